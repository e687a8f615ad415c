/* What a source file says about building it with others into one
 * program: whether it holds the program's entry point, and, for Fortran,
 * which modules it defines and uses (gfortran must compile a module before
 * the files that use it).
 *
 * These are lexical scans for the code people write, not parsers: they
 * skip comments, strings and preprocessor lines, and go by the shape of a
 * declaration.  A main behind a macro, or a Fortran main program that
 * starts with a subprogram and has no PROGRAM statement, is not seen. */
#ifndef TIDE_SRCDEPS_H
#define TIDE_SRCDEPS_H

#include <stdbool.h>
#include <stddef.h>

#include "lang.h"
#include "xalloc.h"

/* Whether text holds the program's entry point: a definition of main at
 * file scope (C, C++, Go's func main), or a main program (Fortran: a
 * PROGRAM statement, or a first statement that starts no module or
 * subprogram).  fixed_form: Fortran's fixed source form (.f .for .ftn).
 * Other languages: false. */
bool srcdeps_has_main(LangId lang, bool fixed_form, const char *text, size_t len);

/* The public class (interface, enum, record) a Java text declares, which
 * javac wants in a file of that name; NULL when there is none.  Comments
 * and strings do not count. */
char *srcdeps_java_public_class(const char *text, size_t len);

/* A file name for a program of the language with this text: for Java,
 * Foo.java after the public class it declares, else after its first class
 * (java runs the class named after the file); else the starter's
 * (main.py).  Comments and strings do not count. */
char *srcdeps_program_file_name(const Lang *lang, const char *text, size_t len);

/* The package a Java source declares ("a.b" of "package a.b;"), or NULL. */
char *srcdeps_java_package(const char *src);
/* The class java should start for a source whose file names file_class
 * (Foo for Foo.java): that class when it declares main, else the first
 * top-level type that does ("class Main" in Hello.java; a record declared
 * before the class with main); NULL when none does.  A member declared
 * "void main(" counts; comments and strings do not. */
char *srcdeps_java_main_class(const char *text, size_t len, const char *file_class);
/* Whether dir (a path) is package pkg's folder below a source root, as
 * javac looks for it: "a/b" or ".../a/b" for "a.b".  *root_len gets the
 * length of the root's part of dir (0 for "a/b"; no slash after it). */
bool srcdeps_java_root(const char *dir, const char *pkg, size_t *root_len);

/* What a Java program in root has on its class path besides its classes,
 * as paths relative to root: Maven's and Gradle's src/main/resources when
 * srcroot (its source root) is src/main/java, then the jars, sorted: those
 * beside its entry (in entry_dir) and those in the lib/ folder (and its
 * folders) of root, of srcroot and of entry_dir (folders relative to root,
 * "" for root), as VS Code and Eclipse take a folder's lib/.  Jars whose
 * path holds ':' are left out. */
void srcdeps_java_classpath(const char *root, const char *entry_dir, const char *srcroot, StrList *out);

/* C, C++ and Fortran: the include folders of a program whose entry is in
 * entry_dir (relative to root), named from there as the compiler's -I
 * takes them: "include" beside it, "../include" when entry_dir is a src/
 * folder beside one (the project of srcdeps_project_root). */
void srcdeps_include_folders(const char *root, const char *entry_dir, StrList *out);

/* Whether name is in folder dir (relative to root) or one above it, up to
 * root: what a tool started in dir finds walking up (go's go.work). */
bool srcdeps_holds_up_to(const char *root, const char *dir, const char *name);

/* The same for a file; false when it cannot be read. */
bool srcdeps_file_has_main(const Lang *lang, const char *path);
/* Whether the text of the file at path can start a program by itself:
 * for C, C++, Go and Fortran it has a main (srcdeps_has_main), for Java a
 * class with main (srcdeps_java_main_class); a script always can. */
bool srcdeps_text_is_program(const Lang *lang, const char *path, const char *text, size_t len);

/* The other sources of entry_path's folder that belong to its program,
 * sorted, as paths: for Java those declaring a class it names (and theirs);
 * for Go those of its package without a main of their own; for C, C++ and Fortran those
 * without a main that it links with (names it uses that they define, a
 * header named after them or included by both, modules it uses; fixed-form
 * Fortran always), so neither the folder's other one-file programs nor a
 * stray half-written file come in; none for the rest (rustc finds a
 * crate's modules itself).  Hidden files and Go tests stay out. */
void srcdeps_companions(const Lang *lang, const char *entry_path, StrList *out);
/* The same, and into *left the sources of the folder left out of it that
 * have no main of their own (what a failed build may have needed). */
void srcdeps_companions_split(const Lang *lang, const char *entry_path, StrList *out, StrList *left);

/* The folder a program's toolchain takes for its project, found as the
 * toolchain finds it, walking up from the entry's folder: Node's package
 * (the nearest package.json; when that package has no node_modules, the
 * nearest folder above with both, as workspaces hoist them), a C, C++ or
 * Fortran project (src/ beside include/: the folder of both), a Python
 * project (pyproject.toml, else setup.py), Go's
 * workspace (go.work) or module (go.mod), a PHP Composer project (composer.json: public/index.php
 * requires ../vendor/autoload.php), a Cargo package (the nearest
 * Cargo.toml, or the workspace above it), Java's source root (the folders the
 * entry's package names; when that is a src/ folder beside a lib/ with
 * jars, the folder holding both; for Maven's and Gradle's src/main/java,
 * the folder of pom.xml or build.gradle).
 * NULL when that is the entry's folder itself or there is none. */
char *srcdeps_project_root(const Lang *lang, const char *entry_path);

/* What cargo builds for a Rust file in a Cargo package. */
typedef struct CargoTarget {
    char *manifest; /* the package's Cargo.toml, relative to the root given */
    char *kind;     /* "--bin" or "--example" */
    char *name;     /* the target's name: its binary's file name */
} CargoTarget;

/* The Cargo target for entry (a path relative to root): the package is
 * the nearest Cargo.toml with a [package] from entry's folder up to root.
 * A [[bin]] or [[example]] table's file is that target; src/main.rs is the
 * package's binary, src/bin/X.rs and src/bin/X/main.rs binary X,
 * examples/X.rs (or X/main.rs) example X; any other file (lib.rs, a module)
 * stands for the binary of src/main.rs, when there is one.
 * Returns 0 when entry is in no package (rustc builds it alone), 1 with
 * out filled, -1 with *why set (a package without a program there). */
int srcdeps_cargo_target(const char *root, const char *entry, CargoTarget *out, char **why);
void srcdeps_cargo_target_free(CargoTarget *t);

/* The program of a folder, for `tide run DIR` (as `go run .`): of the
 * sources there (of lang when not NULL), the one with the language's
 * usual name (main.py, index.js, main.go, Main.java, ...), else the only
 * one with a main of its own, else the only one; a Cargo package's
 * src/main.rs.  Returns its path, or
 * NULL with the folder's sources (names, sorted) in candidates. */
char *srcdeps_folder_entry(const char *dir, const Lang *lang, StrList *candidates);

/* For a build of a lone file that failed: which files of its folder went
 * in (companions) and which were left out (left, may be NULL), one line. */
char *srcdeps_companions_note(const StrList *companions, const StrList *left);

/* Put the Fortran files (paths under dir, or absolute) in an order
 * gfortran can compile in one command: a file defining a module before
 * the files that use it, otherwise in the order given.  A file that
 * cannot be read keeps its place; modules that use each other (which no
 * order compiles) are all kept. */
void srcdeps_order_fortran(const char *dir, StrList *files);

#endif
