# Never losing work: recovery after tide is killed, a save that fails on
# a full disk, a file changed on disk by another program.

. "$TESTS/e2e/lib/tmux.sh"

# REC: the recovery file of the file named $1, once tide has written it
# (a few seconds after typing stops).
wait_recovery() {
  REC=
  for _ in $(seq 100); do
    REC=$(find "$XDG_STATE_HOME/tide/recovery" -name "$1.*.rec" 2>/dev/null | head -n 1)
    [ -n "$REC" ] && return 0
    sleep 0.1
  done
  fail "no recovery file for $1 under $XDG_STATE_HOME/tide/recovery"
}

test_killed_mid_edit_recovers_on_restart() {
  printf 'first\nsecond\n' >work.txt
  tui_start work.txt
  tui_wait 'second'
  tui_keys C-End
  tui_type 'typed but not saved'
  tui_wait 'typed but not saved'
  # The recovery file is written a few seconds after typing stops.
  local rec i=0
  while [ $i -lt 100 ]; do
    rec=$(ls "$XDG_STATE_HOME"/tide/recovery/work.txt.*.rec 2>/dev/null || true)
    [ -n "$rec" ] && grep -q 'typed but not saved' "$rec" && break
    sleep 0.1
    i=$((i + 1))
  done
  [ -n "$rec" ] || fail "no recovery file under $XDG_STATE_HOME/tide/recovery"
  expect_eq "$(stat -c %a "$rec")" 600
  # Live changes of a running IDE are not waiting for anyone.
  case "$("$TIDE" status)" in *unsaved*) fail "tide status lists an open file's changes" ;; esac
  kill -KILL "$(tui_pid)"
  tui_wait_exit
  tui_stop
  expect_eq "$(cat work.txt)" "$(printf 'first\nsecond')"
  # tide status says they wait, and where.
  expect_contains "$("$TIDE" status)" "unsaved       $PWD/work.txt"
  expect_eq "$("$TIDE" status --json | python3 -c 'import json, sys; print(json.load(sys.stdin)["unsaved"])')" "['$PWD/work.txt']"
  tui_start work.txt
  tui_wait 'Restore the unsaved changes to work.txt ('
  tui_wait 'that tide kept? (y/n)'
  tui_keys y
  tui_wait 'typed but not saved'
  tui_wait 'restored the unsaved changes'
  tui_keys C-s
  tui_wait_file work.txt 'typed but not saved'
  expect_eq "$(cat work.txt)" "$(printf 'first\nsecond\ntyped but not saved')"
  # Saved: the recovery file is gone, and a restart asks nothing.
  tui_wait_gone 'work.txt +'
  sleep 0.2
  [ -z "$(find "$XDG_STATE_HOME/tide/recovery" -name '*.rec' 2>/dev/null)" ] || fail "the recovery file is still there"
  case "$("$TIDE" status)" in *unsaved*) fail "tide status still lists work.txt" ;; esac
}

# Two terminals, one file: the second IDE is told, and neither offers nor
# overwrites the other's unsaved changes; those of the one killed are
# offered to the next.
test_two_ides_on_one_file_keep_their_own_changes() {
  printf 'shared\n' >w.txt
  tui_start w.txt
  tui_wait 'shared'
  tui_keys C-End
  tui_type 'from A'
  wait_recovery w.txt
  local rec0=$REC
  tui_wait_file "$rec0" 'from A'
  local a
  a=$(tui_pid)
  tui_start w.txt
  TUI_TARGET=1 tui_wait "w.txt is also open in another tide (pid $a)"
  case "$(TUI_TARGET=1 tui_screen)" in *Restore*) fail "the second IDE offers the first one's changes" ;; esac
  TUI_TARGET=1 tui_keys C-End
  TUI_TARGET=1 tui_type 'from B'
  tui_wait_file "${rec0%.rec}.1.rec" 'from B'
  grep -q 'from A' "$rec0" || fail "the second IDE overwrote the first one's recovery file"
  kill -KILL "$a"
  TUI_TARGET=1 tui_keys C-q
  TUI_TARGET=1 tui_wait 'quit and lose them'
  TUI_TARGET=1 tui_keys n
  tui_wait_exit
  tui_stop
  [ ! -e "${rec0%.rec}.1.rec" ] || fail "the changes B chose to lose are still kept"
  tui_start w.txt
  tui_wait 'that tide kept? (y/n)'
  tui_keys y
  tui_wait '2 from A'
}

# Text typed in an untitled tab (no name yet) is kept too, for the folder
# tide was started in: started there again after a crash, tide offers it
# back in an untitled tab (before the scratch session an empty folder would
# offer), tide status names the folder meanwhile, and saved under a name
# it leaves no recovery file behind.
test_untitled_text_recovers_on_restart_in_its_folder() {
  mkdir empty
  tui_start -C "$T/empty"
  tui_wait 'New scratch session: choose its language'
  tui_esc
  tui_wait_gone 'New scratch session'
  tui_keys C-n
  tui_type 'never named, never saved'
  tui_wait 'never named, never saved'
  local rec i=0
  while [ $i -lt 100 ]; do
    rec=$(find "$XDG_STATE_HOME/tide/recovery" -name 'untitled-empty.*.rec' 2>/dev/null | head -n 1)
    [ -n "$rec" ] && grep -q 'never named, never saved' "$rec" && break
    sleep 0.1
    i=$((i + 1))
  done
  [ -n "$rec" ] || fail "no recovery file for the untitled tab under $XDG_STATE_HOME/tide/recovery"
  case "$("$TIDE" status)" in *untitled*) fail "tide status lists a running IDE's untitled tab" ;; esac
  kill -KILL "$(tui_pid)"
  tui_wait_exit
  tui_stop
  expect_contains "$("$TIDE" status)" "untitled      $T/empty"
  expect_eq "$("$TIDE" status --json | python3 -c 'import json, sys; print(json.load(sys.stdin)["unsaved_untitled"])')" "['$T/empty']"
  tui_start -C "$T/empty"
  tui_wait 'Restore the text of an untitled tab ('
  tui_wait 'that tide kept? (y/n)'
  case "$(tui_screen)" in *'New scratch session'*) fail "the scratch session dialog hides the offer" ;; esac
  tui_keys y
  tui_wait 'never named, never saved'
  tui_wait 'restored the text of an untitled tab'
  tui_keys M-s
  tui_wait 'Save as:'
  tui_type 'kept.txt'
  tui_keys Enter
  tui_wait 'saved kept.txt'
  expect_eq "$(cat empty/kept.txt)" 'never named, never saved'
  sleep 0.2
  [ -z "$(find "$XDG_STATE_HOME/tide/recovery" -name '*.rec' 2>/dev/null)" ] || fail "a recovery file is left: $(find "$XDG_STATE_HOME/tide/recovery" -name '*.rec')"
  tui_keys C-q
  tui_wait_exit
  tui_stop
  # Nothing is offered any more.
  case "$("$TIDE" status)" in *untitled*) fail "tide status still lists the untitled tab" ;; esac
}

# Not restored, an untitled tab's text is set aside as a file's changes
# are; closed on purpose (its text thrown away), it leaves nothing behind.
test_untitled_text_declined_is_set_aside_and_closed_is_gone() {
  mkdir proj
  echo notes >proj/notes.txt
  tui_start -C "$T/proj"
  tui_wait 'notes.txt'
  tui_keys C-n
  tui_type 'first thoughts'
  local i=0
  until grep -qs 'first thoughts' "$XDG_STATE_HOME"/tide/recovery/untitled-proj.*.rec; do
    [ $i -lt 100 ] || fail "no recovery file for the untitled tab"
    sleep 0.1
    i=$((i + 1))
  done
  kill -KILL "$(tui_pid)"
  tui_wait_exit
  tui_stop
  tui_start -C "$T/proj"
  tui_wait 'Restore the text of an untitled tab ('
  tui_keys n
  tui_wait 'untitled not restored: its changes are kept in'
  expect_eq "$(cat "$XDG_STATE_HOME"/tide/set-aside/untitled.*)" 'first thoughts'
  [ -z "$(find "$XDG_STATE_HOME/tide/recovery" -name '*.rec' 2>/dev/null)" ] || fail "the recovery file is still there"
  # Typed again, then closed and thrown away: no recovery file is left.
  tui_keys C-n
  tui_type 'second thoughts'
  i=0
  until grep -qs 'second thoughts' "$XDG_STATE_HOME"/tide/recovery/untitled-proj.*.rec; do
    [ $i -lt 100 ] || fail "no recovery file for the second untitled tab"
    sleep 0.1
    i=$((i + 1))
  done
  tui_keys C-w
  tui_wait 'Save the changes to untitled?'
  tui_keys n
  tui_wait_gone 'second thoughts'
  sleep 0.2
  [ -z "$(find "$XDG_STATE_HOME/tide/recovery" -name '*.rec' 2>/dev/null)" ] || fail "a recovery file is left: $(find "$XDG_STATE_HOME/tide/recovery" -name '*.rec')"
}

# Saved under another name, the file's old recovery file goes: opening
# the old file again offers nothing (its changes are in the new one).
test_save_as_leaves_no_recovery_behind() {
  echo base >old.txt
  tui_start old.txt
  tui_wait 'base'
  tui_keys C-End
  tui_type 'edited'
  wait_recovery old.txt
  tui_keys M-s
  tui_wait 'Save as: old.txt'
  tui_keys C-u
  tui_type 'new.txt'
  tui_keys Enter
  tui_wait 'saved new.txt'
  tui_keys C-q
  tui_wait_exit
  tui_stop
  expect_eq "$(cat new.txt)" "$(printf 'base\nedited')"
  expect_eq "$(cat old.txt)" base
  [ -z "$(find "$XDG_STATE_HOME/tide/recovery" -name '*.rec' 2>/dev/null)" ] || fail "a recovery file is left: $(find "$XDG_STATE_HOME/tide/recovery" -name '*.rec')"
  tui_start old.txt
  tui_wait 'base'
  sleep 0.5
  case "$(tui_screen)" in *Restore*) fail "old.txt offers changes that were saved as new.txt" ;; esac
}

# Saved as a file open in another tab: that tab, which showed the file
# as it was, goes; one with changes of its own would stay.
test_save_as_over_a_file_open_in_another_tab() {
  echo aaa >a.txt
  echo bbb >b.txt
  tui_start a.txt
  tui_wait 'aaa'
  tui_keys C-o
  tui_wait 'Open file:'
  tui_type 'b.txt'
  tui_keys Enter
  tui_wait 'bbb'
  tui_keys C-PageUp
  tui_wait 'aaa'
  tui_keys M-s
  tui_wait 'Save as: a.txt'
  tui_keys C-u
  tui_type 'b.txt'
  tui_keys Enter
  tui_wait 'b.txt already exists. Replace it?'
  tui_keys y
  tui_wait 'saved b.txt'
  expect_eq "$(cat b.txt)" aaa
  expect_eq "$(tui_screen | head -1 | grep -o 'b\.txt' | wc -l)" 1
  tui_wait_gone 'bbb'
}

# Save as over an existing file, declined: that file is untouched and the
# tab keeps its own name (it took the other's before the answer, and "n"
# did nothing); n asks for another name, Esc gives up.
test_save_as_over_a_file_declined_changes_nothing() {
  echo keep >other.txt
  echo a >z.txt
  tui_start z.txt
  tui_wait 'a'
  tui_type 'x'
  tui_keys M-s
  tui_wait 'Save as: z.txt'
  tui_keys C-u
  tui_type 'other.txt'
  tui_keys Enter
  tui_wait 'other.txt already exists. Replace it? (y)es, (n)o: another name, Esc'
  tui_keys n
  tui_wait 'Save as: other.txt'
  expect_eq "$(tui_screen | head -1 | grep -o 'z\.txt +' | wc -l)" 1
  tui_keys C-u
  tui_type 'third.txt'
  tui_keys Enter
  tui_wait 'saved third.txt'
  expect_eq "$(cat other.txt)" keep
  expect_eq "$(cat third.txt)" xa
  expect_eq "$(cat z.txt)" a
  tui_type 'y'
  tui_keys M-s
  tui_wait 'Save as: third.txt'
  tui_keys C-u
  tui_type 'other.txt'
  tui_keys Enter
  tui_wait 'other.txt already exists'
  tui_esc
  tui_wait 'not saved'
  expect_eq "$(tui_screen | head -1 | grep -o 'third\.txt +' | wc -l)" 1
  expect_eq "$(cat other.txt)" keep
  # Ctrl-S saves where the tab still is.
  tui_keys C-s
  tui_wait 'saved third.txt'
  expect_eq "$(cat third.txt)" xya
  expect_eq "$(cat other.txt)" keep
}

# Changes not restored ("n", perhaps typed by a hand that meant to type
# into the file; or Esc) are not thrown away: their text is a file of its
# own under $XDG_STATE_HOME/tide/set-aside, and no autosave overwrites it.
test_declined_recovery_is_set_aside() {
  echo base >d.txt
  for answer in n Escape; do
    tui_start d.txt
    tui_wait 'base'
    tui_type "zzz$answer"
    wait_recovery d.txt
    kill -KILL "$(tui_pid)"
    tui_wait_exit
    tui_stop
    tui_start d.txt
    tui_wait 'that tide kept? (y/n)'
    tui_keys "$answer"
    tui_wait 'd.txt not restored: its changes are kept in'
    expect_eq "$(cat d.txt)" base
    [ -z "$(find "$XDG_STATE_HOME/tide/recovery" -name '*.rec' 2>/dev/null)" ] || fail "the recovery file is still there"
    tui_type 'more'
    wait_recovery d.txt
    tui_keys C-q
    tui_wait 'Save'
    tui_keys n
    tui_wait_exit
    tui_stop
  done
  expect_eq "$(cat "$XDG_STATE_HOME"/tide/set-aside/d.txt.* | sort)" "$(printf 'zzzEscapebase\nzzznbase')"
  expect_contains "$("$TIDE" status)" "set aside     $XDG_STATE_HOME/tide/set-aside/d.txt."
  expect_eq "$("$TIDE" status --json | python3 -c 'import json, sys; print(len(json.load(sys.stdin)["set_aside"]))')" 2
}

test_hangup_writes_recovery_at_once() {
  echo base >h.txt
  tui_start h.txt
  tui_wait 'base'
  tui_type 'unsaved!'
  tui_wait 'unsaved!base'
  kill -HUP "$(tui_pid)"
  tui_wait_exit
  grep -q 'unsaved!base' "$XDG_STATE_HOME"/tide/recovery/h.txt.*.rec || fail "no recovery written on SIGHUP"
}

# The terminal closed with no SIGHUP to say so (tide in a session of its
# own, as su or a service manager can leave it): reading the terminal's
# end is the hang-up.  It spun on the closed terminal at full CPU.
test_a_terminal_closed_without_sighup_ends_tide_and_keeps_the_edits() {
  command -v setsid >/dev/null || skip "setsid (util-linux) is missing"
  echo base >g.txt
  local tide=$TIDE pid i=0
  TIDE=setsid tui_start -w "$tide" g.txt
  tui_wait 'base'
  tui_type 'kept!'
  tui_wait 'kept!base'
  pid=$(pgrep -f "tide-ide g.txt" | head -1)
  [ -n "$pid" ] || fail "no tide-ide process"
  tmux -S "$TUI_SOCK" kill-server 2>/dev/null
  TUI_SOCK=
  while [ -d "/proc/$pid" ] && [ "$(ps -o stat= -p "$pid" 2>/dev/null | cut -c1)" != Z ] && [ $i -lt 250 ]; do
    sleep 0.02
    i=$((i + 1))
  done
  if [ -d "/proc/$pid" ] && [ "$(ps -o stat= -p "$pid" 2>/dev/null | cut -c1)" != Z ]; then
    kill -9 "$pid"
    fail "tide-ide still runs 5 s after its terminal closed"
  fi
  grep -q 'kept!base' "$XDG_STATE_HOME"/tide/recovery/g.txt.*.rec || fail "no recovery written when the terminal closed"
}

# A state folder that cannot be made (a read-only home, a wrong
# XDG_STATE_HOME) costs the recovery files, not the editor: the file opens,
# the user is told, and saving works.
test_without_a_state_folder_files_are_edited_and_the_user_told() {
  echo one >u.txt
  TUI_ENV="XDG_STATE_HOME=/proc/tide-none" tui_start u.txt
  tui_wait '1 one'
  tui_wait 'no recovery file (unsaved edits would not survive a crash; XDG_STATE_HOME'
  tui_keys End
  tui_type ' two'
  tui_keys C-s
  tui_wait_file u.txt 'one two'
}

test_failed_save_on_full_disk_loses_nothing() {
  [ "$(id -u)" = 0 ] || skip "mounting a small tmpfs needs root"
  mkdir disk
  mount -t tmpfs -o size=64k tmpfs disk 2>/dev/null || skip "cannot mount a tmpfs here"
  printf 'original content\n' >disk/f.txt
  # Fill the disk, leaving the file.
  dd if=/dev/zero of=disk/filler bs=1k count=200 2>/dev/null || true
  # 80 columns, the usual terminal: the message says first what matters,
  # and shows whole, on a second row.
  tui_start -x 80 disk/f.txt
  trap 'tui_stop; umount -l "$T/disk" 2>/dev/null' EXIT
  tui_wait 'original content'
  # Paste 40 KB: more than the disk has left.
  head -c 40000 /dev/zero | tr '\0' 'x' >big
  tui_tmux load-buffer big
  tui_tmux paste-buffer -p -t 0
  tui_wait 'f.txt +'
  tui_keys C-s
  tui_wait ' your edits are kept: cannot save f.txt: No space left on device (the file'
  tui_wait ' unchanged; Alt-S saves them elsewhere)'
  expect_eq "$(cat disk/f.txt)" 'original content'
  [ -z "$(ls -A disk | grep -v -e '^f.txt$' -e '^filler$')" ] || fail "a temporary file was left: $(ls -A disk)"
  tui_wait 'f.txt +'
  # Room again: the same save goes through.
  rm disk/filler
  tui_keys C-s
  tui_wait 'saved f.txt'
  expect_eq "$(wc -c <disk/f.txt)" 40017
}

# A folder that cannot be written (here a read-only mount; for root, whom
# modes do not stop) keeps the edits, says why, and Save As puts them
# elsewhere.
test_a_read_only_folder_keeps_the_edits_and_save_as_takes_them() {
  [ "$(id -u)" = 0 ] || skip "a read-only bind mount needs root"
  mkdir ro
  printf 'original\n' >ro/f.txt
  { mount --bind ro ro && mount -o remount,ro,bind ro; } 2>/dev/null || skip "cannot mount read-only here"
  tui_start -x 100 ro/f.txt
  trap 'tui_stop; umount -l "$T/ro" 2>/dev/null' EXIT
  tui_wait 'f.txt is on a read-only file system: Alt-S saves a copy elsewhere'
  tui_keys End
  tui_type ' edited'
  tui_keys C-s
  tui_wait 'your edits are kept: f.txt is on a read-only file system (Alt-S saves them elsewhere)'
  expect_eq "$(cat ro/f.txt)" 'original'
  tui_keys M-s
  tui_wait 'Save as:'
  tui_keys C-u
  tui_type "$T/elsewhere.txt"
  tui_keys Enter
  tui_wait 'saved '
  expect_eq "$(cat elsewhere.txt)" 'original edited'
}

# A read-only file is said so on opening, and saving over it asks (the
# folder allows replacing it; the file's mode says not to), as vim and nano
# do.  Its mode stays.
test_a_read_only_file_asks_before_saving() {
  echo kept >ro.txt
  chmod 444 ro.txt
  tui_start ro.txt
  tui_wait 'ro.txt is read-only: saving will ask first'
  tui_type 'edit '
  tui_keys C-s
  tui_wait 'ro.txt is read-only. Save over it anyway (it stays read-only)?'
  tui_esc
  tui_wait 'not saved'
  expect_eq "$(cat ro.txt)" kept
  tui_keys C-s
  tui_wait 'is read-only. Save over it anyway'
  tui_keys y
  tui_wait 'saved ro.txt'
  expect_eq "$(cat ro.txt)" 'edit kept'
  expect_eq "$(stat -c %a ro.txt)" 444
}

test_changed_on_disk_asks_before_saving() {
  echo mine >c.txt
  tui_start c.txt
  tui_wait 'mine'
  tui_type 'edit '
  sleep 0.1
  echo theirs >c.txt
  touch -d '+1 second' c.txt
  tui_wait 'changed on disk; your unsaved edits are kept'
  tui_keys C-s
  tui_wait 'changed on disk since tide read it. Overwrite it?'
  tui_esc
  tui_wait 'not saved'
  expect_eq "$(cat c.txt)" theirs
  tui_keys C-s
  tui_wait 'Overwrite it?'
  tui_keys y
  tui_wait 'saved c.txt'
  expect_eq "$(cat c.txt)" 'edit mine'
}

# A file deleted on disk while open: the status bar says Ctrl-S writes it
# again, and Ctrl-S does, without asking to overwrite or reload a file
# that is not there.
test_a_file_deleted_on_disk_is_written_again_by_ctrl_s() {
  echo 'kept text' >del.txt
  tui_start del.txt
  tui_wait 'kept text'
  rm del.txt
  tui_wait 'del.txt was deleted or moved on disk; Ctrl-S writes it again' 10
  tui_keys C-s
  tui_wait 'saved del.txt'
  expect_eq "$(cat del.txt)" 'kept text'
}

test_unmodified_file_reloads_when_changed_on_disk() {
  echo one >r.txt
  tui_start r.txt
  tui_wait 'one'
  echo two >r.txt
  touch -d '+1 second' r.txt
  tui_wait 'r.txt changed on disk: reloaded'
  tui_wait '1 two'
}
