# `tide run` in all nine languages, inside the real sandbox: a hello world
# and a small real program (reads stdin, takes arguments, writes a file),
# each streamed and as --json.

# write_hello LANG: write a hello-world program, print its file name.
write_hello() {
  case $1 in
    python) printf 'print("hello from python")\n' >hello.py; echo hello.py ;;
    node) printf 'console.log("hello from node");\n' >hello.js; echo hello.js ;;
    go) printf 'package main\n\nimport "fmt"\n\nfunc main() {\n\tfmt.Println("hello from go")\n}\n' >hello.go; echo hello.go ;;
    c) printf '#include <stdio.h>\nint main(void)\n{\n    printf("hello from c\\n");\n    return 0;\n}\n' >hello.c; echo hello.c ;;
    cpp) printf '#include <iostream>\nint main()\n{\n    std::cout << "hello from cpp" << std::endl;\n}\n' >hello.cpp; echo hello.cpp ;;
    java) printf 'public class Hello {\n    public static void main(String[] args) {\n        System.out.println("hello from java");\n    }\n}\n' >Hello.java; echo Hello.java ;;
    php) printf '<?php\necho "hello from php\\n";\n' >hello.php; echo hello.php ;;
    rust) printf 'fn main() {\n    println!("hello from rust");\n}\n' >hello.rs; echo hello.rs ;;
    fortran) printf "program hello\n    print '(a)', 'hello from fortran'\nend program hello\n" >hello.f90; echo hello.f90 ;;
  esac
}

# write_real LANG: a program that counts the words on stdin, joins its
# arguments with commas, writes "words=N args=A" to result.txt and stdout,
# and "done" to stderr.
write_real() {
  case $1 in
    python) cat >real.py <<'P'
import sys
n = len(sys.stdin.read().split())
line = f"words={n} args={','.join(sys.argv[1:])}"
with open("result.txt", "w") as f:
    f.write(line + "\n")
print(line)
print("done", file=sys.stderr)
P
      echo real.py ;;
    node) cat >real.js <<'P'
const fs = require('fs');
const n = fs.readFileSync(0, 'utf8').split(/\s+/).filter(Boolean).length;
const line = `words=${n} args=${process.argv.slice(2).join(',')}`;
fs.writeFileSync('result.txt', line + '\n');
console.log(line);
console.error('done');
P
      echo real.js ;;
    go) cat >real.go <<'P'
package main

import (
	"bufio"
	"fmt"
	"os"
	"strings"
)

func main() {
	sc := bufio.NewScanner(os.Stdin)
	sc.Split(bufio.ScanWords)
	n := 0
	for sc.Scan() {
		n++
	}
	line := fmt.Sprintf("words=%d args=%s", n, strings.Join(os.Args[1:], ","))
	if err := os.WriteFile("result.txt", []byte(line+"\n"), 0644); err != nil {
		panic(err)
	}
	fmt.Println(line)
	fmt.Fprintln(os.Stderr, "done")
}
P
      echo real.go ;;
    c) cat >real.c <<'P'
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    char w[256], args[1024] = "";
    int n = 0;
    while (scanf("%255s", w) == 1)
        n++;
    for (int i = 1; i < argc; i++) {
        if (i > 1)
            strcat(args, ",");
        strcat(args, argv[i]);
    }
    FILE *f = fopen("result.txt", "w");
    if (!f)
        return 1;
    fprintf(f, "words=%d args=%s\n", n, args);
    fclose(f);
    printf("words=%d args=%s\n", n, args);
    fprintf(stderr, "done\n");
    return 0;
}
P
      echo real.c ;;
    cpp) cat >real.cpp <<'P'
#include <fstream>
#include <iostream>
#include <string>

int main(int argc, char **argv)
{
    std::string w, args;
    int n = 0;
    while (std::cin >> w)
        n++;
    for (int i = 1; i < argc; i++)
        args += (i > 1 ? "," : "") + std::string(argv[i]);
    std::string line = "words=" + std::to_string(n) + " args=" + args;
    std::ofstream("result.txt") << line << "\n";
    std::cout << line << std::endl;
    std::cerr << "done" << std::endl;
}
P
      echo real.cpp ;;
    java) cat >Main.java <<'P'
import java.io.*;
import java.nio.file.*;

public class Main {
    public static void main(String[] args) throws IOException {
        BufferedReader r = new BufferedReader(new InputStreamReader(System.in));
        int n = 0;
        for (String l; (l = r.readLine()) != null;)
            for (String w : l.trim().split("\\s+"))
                if (!w.isEmpty())
                    n++;
        String line = "words=" + n + " args=" + String.join(",", args);
        Files.writeString(Path.of("result.txt"), line + "\n");
        System.out.println(line);
        System.err.println("done");
    }
}
P
      echo Main.java ;;
    php) cat >real.php <<'P'
<?php
$n = count(preg_split('/\s+/', stream_get_contents(STDIN), -1, PREG_SPLIT_NO_EMPTY));
$line = "words=$n args=" . implode(",", array_slice($argv, 1));
file_put_contents("result.txt", $line . "\n");
echo $line, "\n";
fwrite(STDERR, "done\n");
P
      echo real.php ;;
    rust) cat >real.rs <<'P'
use std::io::Read;

fn main() {
    let mut s = String::new();
    std::io::stdin().read_to_string(&mut s).unwrap();
    let n = s.split_whitespace().count();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let line = format!("words={} args={}", n, args.join(","));
    std::fs::write("result.txt", format!("{}\n", line)).unwrap();
    println!("{}", line);
    eprintln!("done");
}
P
      echo real.rs ;;
    fortran) cat >real.f90 <<'P'
program real
    implicit none
    character(len=1024) :: line, args, arg
    integer :: n, i, ios, u
    logical :: inword
    n = 0
    do
        read(*, '(a)', iostat=ios) line
        if (ios /= 0) exit
        inword = .false.
        do i = 1, len_trim(line)
            if (line(i:i) /= ' ') then
                if (.not. inword) n = n + 1
                inword = .true.
            else
                inword = .false.
            end if
        end do
    end do
    args = ''
    do i = 1, command_argument_count()
        call get_command_argument(i, arg)
        if (i > 1) args = trim(args) // ','
        args = trim(args) // trim(arg)
    end do
    write(line, '(a,i0,a,a)') 'words=', n, ' args=', trim(args)
    open(newunit=u, file='result.txt', status='replace', action='write')
    write(u, '(a)') trim(line)
    close(u)
    print '(a)', trim(line)
    write(0, '(a)') 'done'
end program real
P
      echo real.f90 ;;
  esac
}

# Every file below the current folder with its size, mode, time and hash.
snapshot() {
  find . -printf '%p %s %m %T@\n' | sort
  find . -type f -exec sha256sum {} + | sort
}

check_hello() {
  local lang=$1 file
  mkdir -p "$T/w" && cd "$T/w"
  file=$(write_hello "$lang")
  run_tide run "$file"
  expect_rc 0 "$lang hello, streamed"
  expect_eq "$OUT" "hello from $lang" "$lang streamed output"
  expect_contains "$ERR" "tide: ok, exit code 0"
  run_tide run --json "$file"
  expect_rc 0 "$lang hello, json"
  expect_eq "$(json_get "$OUT" '[j["success"], j["status"], j["output"], j["error"], j["return_code"], j["language"]]')" \
    "[true, \"ok\", \"hello from $lang\\n\", \"\", 0, \"$lang\"]" "$lang json"
  expect_eq "$(json_get "$OUT" 'j["generated_files"]')" "[]" "$lang generated files"
  expect_eq "$ERR" "" "$lang json: nothing on stderr"
}

check_real() {
  local lang=$1 file sum
  mkdir -p "$T/w" && cd "$T/w"
  file=$(write_real "$lang")
  printf 'alpha beta\ngamma\n' >input.txt
  sum=$(snapshot)
  run_tide_stdin input.txt run "$file" -- x "y z"
  expect_rc 0 "$lang real, streamed"
  expect_eq "$OUT" "words=3 args=x,y z" "$lang streamed output"
  expect_contains "$ERR" "done"
  expect_contains "$ERR" "tide: wrote result.txt (19 B, text/plain)"
  mkdir "$T/gen"
  run_tide run --json --stdin input.txt --generated-dir "$T/gen" "$file" -- x "y z"
  expect_rc 0 "$lang real, json"
  expect_eq "$(json_get "$OUT" '[j["status"], j["output"], j["error"]]')" \
    "[\"ok\", \"words=3 args=x,y z\\n\", \"done\\n\"]" "$lang json"
  expect_eq "$(json_get "$OUT" 'j["generated_files"]')" \
    '[{"name": "result.txt", "size": 19, "type": "text/plain"}]' "$lang generated files"
  expect_eq "$(cat "$T/gen/result.txt")" "words=3 args=x,y z" "$lang generated copy"
  # The program's writes never reach the user's folder.
  rm -rf "$T/gen"
  expect_eq "$(snapshot)" "$sum" "$lang: the folder is unchanged"
}

test_python() { check_hello python; check_real python; }
test_node() { check_hello node; check_real node; }
test_go() { check_hello go; check_real go; }
test_c() { check_hello c; check_real c; }
test_cpp() { check_hello cpp; check_real cpp; }
test_java() { check_hello java; check_real java; }
test_php() { check_hello php; check_real php; }
test_rust() { check_hello rust; check_real rust; }
test_fortran() { check_hello fortran; check_real fortran; }

# The compilers' own names for sources: gfortran preprocesses .F90 (and
# .F) before compiling, g++ takes .C as C++.
test_capital_extensions_the_compilers_take() {
  mkdir -p "$T/w" && cd "$T/w"
  printf '#define N 3\nprogram p\n  print "(a,i0)", "n=", N\nend program p\n' >pre.F90
  run_tide run --ephemeral pre.F90
  expect_rc 0 "pre.F90: $ERR"
  expect_eq "$OUT" "n=3"
  printf '#include <iostream>\nint main() { std::cout << "from .C" << std::endl; }\n' >old.C
  run_tide run --ephemeral old.C
  expect_rc 0 "old.C: $ERR"
  expect_eq "$OUT" "from .C"
}

# The entry comes first on the command line, the modules it uses after it,
# as a user lists them: gfortran still gets each module before its users.
test_fortran_modules_listed_after_the_program_that_uses_them() {
  mkdir -p "$T/w" && cd "$T/w"
  printf 'program main\n  use shapes\n  print "(f5.2)", area(1.0)\nend program main\n' >main.f90
  printf 'module shapes\n  use consts\ncontains\n  real function area(r)\n    real :: r\n    area = pi * r * r\n  end function area\nend module shapes\n' >shapes.f90
  printf 'module consts\n  real, parameter :: pi = 3.14159\nend module consts\n' >consts.f90
  run_tide run main.f90 shapes.f90 consts.f90
  expect_rc 0 "a program and two modules"
  expect_eq "$OUT" " 3.14" "the program's output"
  # The .mod files stay out of the folder.
  expect_eq "$(ls)" "$(printf 'consts.f90\nmain.f90\nshapes.f90')" "the folder holds only the sources"
  # Alone, the program brings the modules it uses (and theirs), not a
  # half-written module beside them.
  printf 'module wip\n  integer :: x =\nend module wip\n' >wip.f90
  run_tide run --ephemeral --json main.f90
  expect_rc 0 "main.f90 alone: $(json_get "$OUT" 'j["error"]')"
  expect_eq "$(json_get "$OUT" 'j["files"]')" '["main.f90", "consts.f90", "shapes.f90"]'
}
