# The "done when": a newcomer opens tide in an empty folder,
# creates a scratch session, writes a program that asks for a name, runs
# it with F5, types the name into the panel, sees the greeting and the
# result line, fixes a deliberate error by jumping to it from the
# compiler's or the traceback's message, and quits.  In Python, C, Java.

. "$TESTS/e2e/lib/tmux.sh"

# paste_code TEXT: what a user pastes from elsewhere (bracketed paste).
paste_code() {
  printf '%s' "$1" >"$T/.clip"
  tui_tmux load-buffer "$T/.clip"
  tui_tmux paste-buffer -p -t 0
}

new_session_in() {
  mkdir -p "$T/empty"
  tui_start -C "$T/empty"
  tui_wait 'New scratch session: choose its language'
  tui_wait "$1 " 20
  [ -z "$2" ] || tui_type "$2"
  tui_keys Enter
  tui_wait "new $1 session"
}

test_python_newcomer() {
  new_session_in Python ''
  tui_wait 'Hello from tide!'
  tui_keys C-a
  paste_code 'name = input("What is your " + "name? ")
print("Hello, " + nam + "!")
'
  tui_wait 'print("Hello, " + nam + "!")'
  tui_keys F5
  tui_wait 'What is your name?' 30
  tui_type 'Grace'
  tui_keys Enter
  tui_wait "NameError: name 'nam' is not defined" 20
  tui_wait 'runtime_error · exit 1'
  tui_keys Enter
  tui_wait 'Python  Ln 2, Col 1'
  tui_keys End Left Left Left Left Left Left Left
  tui_type 'e'
  tui_wait '+ name + "!")'
  tui_keys F5
  tui_wait_gone 'NameError' 30
  tui_wait 'What is your name?' 30
  tui_type 'Grace'
  tui_keys Enter
  tui_wait 'Hello, Grace!' 20
  tui_wait 'ok · exit 0 · run'
  tui_keys C-q
  tui_wait_exit
  expect_eq "$TUI_EXIT" 0
  run_tide history
  expect_contains "$OUT" "ok"
  expect_contains "$OUT" "runtime_error"
}

test_c_newcomer() {
  command -v gcc >/dev/null || skip "gcc is not installed"
  new_session_in C c
  tui_wait 'Hello from tide!'
  tui_keys C-a
  paste_code '#include <stdio.h>

int main(void)
{
    char name[64];
    printf("What is %s name? ", "your");
    fflush(stdout);
    if (scanf("%63s", name) != 1)
        return 1;
    printf("Hello, %s!\n", name)
    return 0;
}
'
  tui_wait 'return 0;'
  tui_keys F5
  tui_wait 'compile_error' 60
  tui_keys Enter
  tui_wait 'C  Ln 10, Col 33'
  tui_type ';'
  tui_keys F5
  tui_wait_gone 'compile_error' 30
  tui_wait 'What is your name?' 60
  tui_type 'Dennis'
  tui_keys Enter
  tui_wait 'Hello, Dennis!' 20
  tui_wait 'ok · exit 0 · compile'
  tui_keys C-q
  tui_wait_exit
  expect_eq "$TUI_EXIT" 0
}

test_java_newcomer() {
  command -v javac >/dev/null || skip "javac is not installed"
  new_session_in Java j
  tui_wait 'Hello from tide!' 
  tui_keys C-a
  paste_code 'import java.util.Scanner;

public class Main {
    public static void main(String[] args) {
        Scanner in = new Scanner(System.in);
        System.out.print("What is your " + "name? ");
        String name = in.nextLine()
        System.out.println("Hello, " + name + "!");
    }
}
'
  tui_wait 'String name = in.nextLine()'
  tui_keys F5
  tui_wait 'compile_error' 90
  tui_wait 'Main.java:7: error'
  tui_keys Enter
  tui_wait 'Java  Ln 7, Col 36'
  tui_keys End
  tui_type ';'
  tui_keys F5
  tui_wait_gone 'compile_error' 30
  tui_wait 'What is your name?' 90
  tui_type 'James'
  tui_keys Enter
  tui_wait 'Hello, James!' 30
  tui_wait 'ok · exit 0 · compile'
  tui_keys C-q
  tui_wait_exit
  expect_eq "$TUI_EXIT" 0
}
