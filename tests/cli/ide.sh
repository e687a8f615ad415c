# Starting the IDE from the command line, without a terminal.

test_ide_without_a_terminal_says_so() {
  echo x >f.txt
  run_tide f.txt
  expect_rc 1
  expect_contains "$ERR" "the IDE needs a terminal"
  run_tide
  expect_rc 1
  expect_contains "$ERR" "the IDE needs a terminal"
  # Nothing was created.
  [ ! -e "$XDG_STATE_HOME" ] || fail "the state folder was created"
  expect_eq "$(cat f.txt)" x
}

test_ide_arguments() {
  run_tide a.txt b.txt
  expect_rc 2
  expect_contains "$ERR" "open one file or folder at a time"
  run_tide --session
  expect_rc 2
  expect_contains "$ERR" "--session needs a session id"
}
