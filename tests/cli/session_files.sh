# Files in and out of a session: tide import, tide files, tide export.

db() { python3 -c "import sqlite3,sys; c=sqlite3.connect('$XDG_DATA_HOME/tide/tide.db'); r=c.execute(sys.argv[1]).fetchall(); c.commit(); print('\n'.join('|'.join(str(x) for x in row) for row in r))" "$1"; }

new_session() {
  run_tide session new "${1:-python}" --json
  expect_rc 0
  FOLDER=$(json_get "$OUT" 'j["folder"]')
}

test_import_keeps_names_exactly() {
  new_session
  printf 'a,b\n1,2\n' >"$T/my data [v2] (ü).csv"
  mkdir -p "$T/set/inner"
  printf 'x\n' >"$T/set/inner/x.txt"
  run_tide import 1 "$T/my data [v2] (ü).csv" "$T/set"
  expect_rc 0
  expect_contains "$OUT" "imported my data [v2] (ü).csv"
  expect_contains "$OUT" "imported set/inner/x.txt"
  expect_eq "$(cat "$FOLDER/my data [v2] (ü).csv")" "$(printf 'a,b\n1,2')"
  expect_file "$FOLDER/set/inner/x.txt"
  run_tide files 1 --json
  expect_eq "$(json_get "$OUT" 'sorted((f["name"], f["origin"]) for f in j["files"])')" \
    "[[\"main.py\", \"user\"], [\"my data [v2] (\\u00fc).csv\", \"import\"], [\"set/inner/x.txt\", \"import\"]]"
  expect_eq "$(json_get "$OUT" '[f["size"] for f in j["files"] if f["origin"] == "import"][0]')" 8
  expect_eq "$(json_get "$OUT" 'all(f["expires_at"] for f in j["files"] if f["origin"] == "import")')" true
  # The session's own files go with the scratch session: when it expires.
  local expires
  expires=$(run_tide session show 1 --json; json_get "$OUT" 'j["expires_at"]')
  expect_eq "$(json_get "$OUT" '[f["expires_at"] for f in j["files"] if f["name"] == "main.py"][0]')" "$expires"
  run_tide files 1
  expect_contains "$OUT" "my data [v2] (ü).csv"
  expect_contains "$OUT" "import"
  case "$OUT" in *never*) fail "a scratch session's file never expires: $OUT" ;; esac
}

test_import_as_a_name() {
  new_session
  printf 'hello\n' >"$T/in.txt"
  run_tide import 1 "$T/in.txt" --as "data/input file.txt"
  expect_rc 0
  expect_eq "$(cat "$FOLDER/data/input file.txt")" hello
  run_tide import 1 "$T/in.txt" "$T/in.txt" --as x
  expect_rc 1
  expect_contains "$ERR" "--as names one file"
  # - is standard input, which has no name of its own to keep.
  printf 'piped\n' >"$T/pipe.txt"
  run_tide_stdin "$T/pipe.txt" import 1 - --as from-pipe.txt
  expect_rc 0
  expect_eq "$(cat "$FOLDER/from-pipe.txt")" piped
  run_tide_stdin "$T/pipe.txt" import 1 -
  expect_rc 1
  expect_contains "$ERR" "- (standard input) needs --as NAME"
  # The session as tide run takes it, for import, files and export alike.
  run_tide import --session 1 "$T/in.txt" --as by-option.txt
  expect_rc 0
  run_tide files --session 1
  expect_rc 0
  expect_contains "$OUT" "by-option.txt"
  run_tide export --session 1 by-option.txt -
  expect_rc 0
  expect_eq "$OUT" hello
}

test_import_refuses_escapes_in_one_line() {
  new_session
  printf 'x\n' >"$T/f.txt"
  before=$(ls -A "$FOLDER" | sort)
  run_tide import 1 "$T/f.txt" --as ../escape.txt
  expect_rc 1
  expect_eq "$ERR" "tide: '../escape.txt' would escape the session ('..')"
  run_tide import 1 "$T/f.txt" --as a/../../b
  expect_rc 1
  expect_contains "$ERR" "would escape the session"
  run_tide import 1 "$T/f.txt" --as /etc/evil
  expect_rc 1
  expect_contains "$ERR" "is an absolute name"
  # A symlink inside an imported folder, pointing out.
  mkdir "$T/dir"
  printf 'ok\n' >"$T/dir/ok.txt"
  ln -s /etc/passwd "$T/dir/passwd"
  run_tide import 1 "$T/dir"
  expect_rc 1
  expect_contains "$ERR" "is a symlink; tide imports files, not links"
  [ ! -e "$FOLDER/dir" ] || fail "part of a refused import was copied"
  # A symlink already in the session, pointing out of it.
  mkdir "$T/outside"
  ln -s "$T/outside" "$FOLDER/out"
  run_tide import 1 "$T/f.txt" --as out/f.txt
  expect_rc 1
  expect_contains "$ERR" "out is in the way: a symlink or a file, not a folder"
  [ -z "$(ls -A "$T/outside")" ] || fail "a file was written through the symlink"
  rm "$FOLDER/out"
  expect_eq "$(ls -A "$FOLDER" | sort)" "$before" "nothing was imported"
  run_tide import 1 "$T/nope.txt"
  expect_rc 1
  expect_contains "$ERR" "cannot import $T/nope.txt: No such file or directory"
}

test_import_size_limit() {
  new_session
  truncate -s $((50 * 1024 * 1024)) "$T/exactly50.bin"
  truncate -s $((50 * 1024 * 1024 + 1)) "$T/over50.bin"
  run_tide import 1 "$T/over50.bin"
  expect_rc 1
  expect_contains "$ERR" "an imported file can be at most 50 MiB"
  [ ! -e "$FOLDER/over50.bin" ] || fail "the big file was copied"
  run_tide import 1 "$T/exactly50.bin"
  expect_rc 0
  expect_eq "$(stat -c %s "$FOLDER/exactly50.bin")" $((50 * 1024 * 1024))
}

test_import_never_overwrites_without_force() {
  new_session
  printf 'new\n' >"$T/main.py"
  run_tide import 1 "$T/main.py"
  expect_rc 1
  expect_eq "$ERR" "tide: main.py already exists in session 1; --force replaces it"
  expect_eq "$(cat "$FOLDER/main.py")" "$(cat "$XDG_DATA_HOME/tide/sessions/1/files/main.py")"
  expect_not_contains "$(cat "$FOLDER/main.py")" "new"
  run_tide import 1 "$T/main.py" --force
  expect_rc 0
  expect_eq "$(cat "$FOLDER/main.py")" new
  expect_eq "$(db "select origin from code_files where path = 'main.py'")" import
  expect_eq "$(db "select count(*) from code_files where path = 'main.py'")" 1
}

test_export_copies_out_and_never_overwrites() {
  new_session
  printf 'r1\n' >"$T/report.txt"
  run_tide import 1 "$T/report.txt" --as report.txt
  mkdir "$T/out"
  cd "$T/out"
  run_tide export 1 report.txt
  expect_rc 0
  expect_eq "$OUT" report.txt
  expect_eq "$(cat "$T/out/report.txt")" r1
  run_tide export 1 report.txt
  expect_rc 1
  expect_eq "$ERR" "tide: report.txt already exists; --force replaces it"
  printf 'mine\n' >"$T/out/mine.txt"
  run_tide export 1 report.txt mine.txt
  expect_rc 1
  expect_eq "$(cat "$T/out/mine.txt")" mine
  run_tide export 1 report.txt mine.txt --force
  expect_rc 0
  expect_eq "$(cat "$T/out/mine.txt")" r1
  mkdir "$T/out/sub"
  run_tide export 1 report.txt "$T/out/sub" --json
  expect_eq "$(json_get "$OUT" 'j["written"]')" "$T/out/sub/report.txt"
  run_tide export 1 report.txt sub/ --force
  expect_eq "$OUT" "sub/report.txt" "a folder written with its slash"
  # - is standard output: the file alone, for a pipe.
  run_tide export 1 report.txt -
  expect_rc 0
  expect_eq "$OUT" r1
  [ ! -e "$T/out/-" ] || fail "export wrote a file called -"
  run_tide export 1 report.txt - --json
  expect_rc 2
  expect_contains "$ERR" "- and --json would both write to standard output"
  run_tide export 1 nothing.txt
  expect_rc 1
  expect_eq "$ERR" "tide: session 1 has no file called nothing.txt (tide files 1 lists them)"
  run_tide export 1 ../../tide.db
  expect_rc 1
  expect_contains "$ERR" "would escape the session"
  ls "$T/out" | grep -q tide-copy && fail "a temporary file was left behind"
  true
}

test_export_refuses_a_symlink_in_the_session() {
  new_session
  ln -s /etc/hostname "$FOLDER/host"
  run_tide export 1 host "$T/h"
  expect_rc 1
  expect_contains "$ERR" "is a symlink; tide exports files, not links"
  [ ! -e "$T/h" ] || fail "the symlink's target was copied"
}

test_imported_files_expire_with_gc() {
  new_session
  printf 'x\n' >"$T/old.csv"
  printf 'y\n' >"$T/new.csv"
  run_tide import 1 "$T/old.csv" "$T/new.csv"
  db "update code_files set expires_at = 1 where path = 'old.csv'" >/dev/null
  run_tide gc
  expect_rc 0
  expect_contains "$OUT" "removed import: old.csv, imported into session 1"
  [ ! -e "$FOLDER/old.csv" ] || fail "the expired import stayed"
  expect_file "$FOLDER/new.csv"
  expect_file "$FOLDER/main.py"
  expect_eq "$(db "select count(*) from code_files where path = 'old.csv'")" 0
}

test_import_into_a_folder_session_copies_into_the_folder() {
  mkdir "$T/proj"
  printf 'print(open("in.csv").read().strip())\n' >"$T/proj/main.py"
  printf 'a,b\n' >"$T/proj/in.csv"
  run_tide run proj/main.py
  expect_rc 0
  printf 'x,y\n' >"$T/new.csv"
  run_tide import 1 "$T/new.csv" --as in.csv
  expect_rc 1
  expect_contains "$ERR" "in.csv already exists in session 1; --force replaces it"
  expect_eq "$(cat "$T/proj/in.csv")" "a,b"
  run_tide import 1 "$T/new.csv"
  expect_rc 0
  expect_contains "$ERR" "they are your files from now on"
  expect_eq "$(cat "$T/proj/new.csv")" "x,y"
  run_tide files 1 --json
  expect_eq "$(json_get "$OUT" '[(f["origin"], f["expires_at"]) for f in j["files"] if f["name"] == "new.csv"]')" \
    '[["import", null]]'
  # Even long after, gc never takes it from the user's folder.
  db "update code_sessions set last_used_at = 1" >/dev/null
  run_tide gc
  expect_eq "$OUT" "nothing has expired"
  expect_file "$T/proj/new.csv"
}

test_generated_files_expire_and_go_with_their_run_folder() {
  new_session
  printf 'open("out.txt", "w").write("made")\n' >"$FOLDER/main.py"
  run_tide run --session 1 main.py
  expect_rc 0
  expect_file "$XDG_DATA_HOME/tide/sessions/1/generated/1/out.txt"
  # tide result says how to get it (it is in tide's data folder, not the
  # user's), and that works.
  run_tide result 1
  expect_contains "$OUT" "generated out.txt (4 B, text/plain)"
  expect_contains "$OUT" "(tide export 1 NAME [DEST] --result 1 copies one out)"
  run_tide export 1 out.txt "$T/got.txt" --result 1
  expect_rc 0 "$ERR"
  expect_eq "$(cat "$T/got.txt")" made
  # A run that is not there, or not this session's, is said as such.
  run_tide export 1 out.txt - --result 99
  expect_rc 1
  expect_eq "$ERR" "tide: there is no run 99 (tide history lists them)"
  run_tide export 1 /etc/passwd -
  expect_rc 1
  expect_contains "$ERR" "'/etc/passwd' is an absolute name; a session's files are named inside it"
  mkdir -p "$T/other" && printf 'print(2)\n' >"$T/other/two.py"
  run_tide run "$T/other/two.py"
  run_tide export 1 out.txt - --result 2
  expect_rc 1
  expect_eq "$ERR" "tide: run 2 is of session 2, not 1 (tide files 2 lists its files)"
  run_tide files 1 --json
  expect_eq "$(json_get "$OUT" '[f["expires_at"] is not None for f in j["files"] if f["origin"] == "generated"]')" "[true]"
  db "update code_files set expires_at = 1 where origin = 'generated'" >/dev/null
  run_tide gc --dry-run
  expect_contains "$OUT" "would remove generated: out.txt, made by run 1 in session 1"
  run_tide gc
  expect_contains "$OUT" "removed generated: out.txt, made by run 1 in session 1"
  [ ! -e "$XDG_DATA_HOME/tide/sessions/1/generated/1" ] || fail "the run's folder stayed"
  run_tide export 1 out.txt "$T/o.txt"
  expect_rc 1
  expect_eq "$ERR" "tide: session 1 has no file called out.txt (tide files 1 lists them)"
  run_tide result 1 --json
  expect_eq "$(json_get "$OUT" 'j["generated_files"]')" "[]"
  run_tide result 1
  expect_not_contains "$OUT" "copies one out" "nothing of it is left to copy"
  expect_file "$FOLDER/main.py"
}

# Inside a folder that is a session's, tide files needs no SESSION; a
# folder with none, or with one per language, says what to name.
test_files_in_a_session_folder_need_no_session() {
  mkdir "$T/proj"
  printf 'open("out.txt", "w").write("x")\n' >"$T/proj/main.py"
  cd "$T/proj" || fail "no folder"
  run_tide files
  expect_rc 1
  expect_eq "$ERR" "tide: no session uses $T/proj yet (a run here makes one); name a session (tide session list shows them)"
  run_tide run main.py
  expect_rc 0 "$ERR"
  run_tide files --json
  expect_rc 0 "$ERR"
  expect_eq "$(json_get "$OUT" '[j["session_id"]] + sorted(f["name"] for f in j["files"])')" '[1, "main.py", "out.txt"]'
  run_tide files
  expect_contains "$OUT" "main.py"
  printf 'int main(void) { return 0; }\n' >"$T/proj/m.c"
  run_tide run m.c
  expect_rc 0 "$ERR"
  run_tide files
  expect_rc 1
  expect_eq "$ERR" "tide: $T/proj holds 2 sessions, one per language (1 python, 2 c); name one by its id"
  run_tide files 2
  expect_rc 0 "$ERR"
  expect_contains "$OUT" "m.c"
}
