# The file explorer: the tree of the open folder, opening files from it,
# folding, new / rename / delete.

. "$TESTS/e2e/lib/tmux.sh"

# A folder opens with its tree beside an untitled tab, which has the keys:
# code typed at once goes there, not to the tree's commands (r renamed the
# file selected, n made one).  Ctrl-E goes to the tree, as the status bar
# says.
test_folder_opens_with_the_tree_and_enter_opens_a_file() {
  mkdir -p proj/src proj/docs
  echo 'print(1)' >proj/main.py
  echo 'int x;' >proj/src/util.c
  echo notes >proj/docs/notes.md
  tui_start proj
  tui_wait ' proj'
  tui_wait '> docs/'
  tui_wait '> src/'
  tui_wait '  main.py'
  tui_wait 'Ctrl-E: the file tree (Enter opens a file)'
  tui_type 'print(1)'
  tui_wait 'untitled +'
  expect_eq "$(ls proj)" "$(printf 'docs\nmain.py\nsrc')" "typing touched the folder"
  tui_keys C-z
  tui_keys C-e
  # Folders first, then files: docs, src, main.py.
  tui_keys Down Down Enter
  tui_wait '1 print(1)'
  tui_wait 'main.py'
  # Back to the explorer, unfold src and open util.c.
  tui_keys C-e
  tui_keys Up Right
  tui_wait 'v src/'
  tui_wait '    util.c'
  tui_keys Down Enter
  tui_wait '1 int x;'
  tui_wait 'C  Ln 1, Col 1'
  # Ctrl-E twice hides it.
  tui_keys C-e C-e
  tui_wait_gone 'docs/'
}

# Numbered files in the order of their numbers, letters regardless of case.
test_numbered_names_are_in_the_order_of_their_numbers() {
  mkdir aoc
  for n in 1 2 10 3 20; do : >"aoc/day$n.py"; done
  : >aoc/Day4.py
  : >aoc/day007.py
  tui_start aoc
  tui_wait 'day20.py'
  local order
  order=$(tui_screen | grep -oE '[dD]ay[0-9]+\.py' | tr '\n' ' ')
  expect_eq "$order" 'day1.py day2.py day3.py Day4.py day007.py day10.py day20.py '
}

test_click_opens_and_folds() {
  mkdir -p p/d
  echo hello >p/a.txt
  tui_start p
  tui_wait '> d/'
  # Row 2 is the first entry (row 1 is the title).
  tui_click 3 2
  tui_wait 'v d/'
  tui_click 3 3
  tui_wait '1 hello'
}

# The wheel over the tree scrolls it, 3 rows a notch as in the editor,
# and stops at its ends; the selection stays where it is, out of sight
# meanwhile, and a key brings it back into view.
test_the_wheel_scrolls_the_tree_and_leaves_the_selection() {
  mkdir w
  local i
  for i in $(seq -w 1 60); do echo "this is file $i" >"w/file$i.txt"; done
  tui_start w
  tui_wait 'file01.txt'
  tui_keys C-e
  # Row 2 is the first entry.
  tui_mouse 65 5 10
  tui_wait_gone 'file01.txt'
  expect_eq "$(tui_screen | sed -n 3p | cut -c1-20 | tr -d ' ')" 'file04.txt'
  tui_mouse 64 5 10
  tui_mouse 64 5 10
  tui_wait 'file01.txt'
  expect_eq "$(tui_screen | sed -n 3p | cut -c1-20 | tr -d ' ')" 'file01.txt'
  for i in $(seq 25); do tui_mouse 65 5 10; done
  tui_wait 'file60.txt'
  local bottom
  bottom=$(tui_screen)
  tui_mouse 65 5 10
  sleep 0.3
  expect_eq "$(tui_screen)" "$bottom" "the tree scrolled on past its end"
  tui_keys Down
  tui_wait 'file02.txt'
  expect_eq "$(tui_screen | sed -n 3p | cut -c1-20 | tr -d ' ')" 'file02.txt'
  tui_keys Enter
  tui_wait 'this is file 02'
}

test_new_rename_delete() {
  mkdir p
  echo keep >p/keep.txt
  tui_start p
  tui_wait 'keep.txt'
  tui_keys C-e n
  tui_wait 'New file in'
  tui_type 'made.txt'
  tui_keys Enter
  # The name shows in the prompt as it is typed: wait for the prompt to go.
  tui_wait_gone 'New file in'
  tui_wait 'made.txt'
  cd p
  [ -f made.txt ] || fail "made.txt was not created"
  tui_type 'content'
  tui_keys C-s
  tui_wait 'saved made.txt'
  tui_keys C-e
  tui_keys N
  tui_wait 'New folder in'
  tui_type 'sub'
  tui_keys Enter
  tui_wait_gone 'New folder in'
  tui_wait 'sub/'
  [ -d sub ] || fail "sub was not created"
  # Rename made.txt (the selection follows the tree: go to it).
  tui_keys End
  tui_keys Up
  tui_wait 'keep.txt'
  tui_keys End r
  tui_wait 'Rename to:'
  tui_type 'renamed.txt'
  tui_keys Enter
  tui_wait 'renamed to renamed.txt'
  [ -f renamed.txt ] && [ ! -e made.txt ] || fail "rename did not happen: $(ls)"
  # A path is not a name: said, not silently ignored.
  tui_keys r
  tui_wait 'Rename to:'
  tui_type '/x'
  tui_keys Enter
  tui_wait 'not renamed: give a new name, not a path'
  [ -f renamed.txt ] || fail "renamed.txt went away: $(ls)"
  # The open tab follows the rename: saving writes renamed.txt.
  tui_keys Delete
  tui_wait 'Delete renamed.txt? (y/n)'
  tui_keys n
  sleep 0.2
  [ -f renamed.txt ] || fail "deleted although the answer was no"
  tui_keys Delete
  tui_wait 'Delete renamed.txt? (y/n)'
  tui_keys y
  tui_wait 'deleted renamed.txt'
  [ ! -e renamed.txt ] || fail "renamed.txt is still there"
  [ -f keep.txt ] || fail "keep.txt went away"
}

# A new folder says it was made, as a new file does, and so takes back
# what an earlier try was told (that a name was taken), which stayed on.
test_a_new_folder_or_file_says_it_was_made() {
  mkdir p
  echo 1 >p/app.py
  echo 2 >p/color.py
  tui_start p
  tui_wait 'color.py'
  tui_keys C-e End Up
  tui_keys r
  tui_wait 'Rename to:'
  tui_keys C-u
  tui_type 'color.py'
  tui_keys Enter
  tui_wait 'color.py already exists'
  tui_keys N
  tui_wait 'New folder in'
  tui_type 'sub/deeper'
  tui_keys Enter
  tui_wait 'made the folder sub/deeper'
  [ -d p/sub/deeper ] || fail "sub/deeper was not made: $(ls -R p)"
  expect_not_contains "$(tui_screen)" 'already exists'
  tui_keys n
  tui_wait 'New file in'
  tui_keys C-u
  tui_type 'notes.txt'
  tui_keys Enter
  tui_wait 'made notes.txt'
  tui_wait ' notes.txt │'
}

# The files a run wrote are tide's record of the run, kept in its data
# folder: the tree refuses to delete or rename them (the group's row or a
# file's) and says what to do instead; tide files still lists them.  Gone
# from the data folder (tide gc), they leave the tree when it is read again.
test_the_files_a_run_wrote_are_not_deleted_from_the_tree() {
  mkdir p
  printf 'open("out.csv", "w").write("a,b\\n")\nprint("written")\n' >p/w.py
  tui_start p
  tui_wait 'w.py'
  tui_keys C-e Down Enter
  tui_wait 'open("out.csv"'
  tui_keys F5
  tui_wait 'ok · exit 0' 30
  tui_wait 'run #1 wrote'
  tui_wait 'out.csv *'
  local gen
  gen=$(ls -d "$XDG_DATA_HOME"/tide/sessions/*/generated/1)
  [ -f "$gen/out.csv" ] || fail "no generated out.csv in $gen"
  tui_keys C-e
  tui_keys End
  tui_keys Delete
  tui_wait 'not deleted: out.csv is tide'"'"'s record of run #1'
  case "$(tui_screen)" in *'Delete out.csv?'*) fail "the tree asks to delete a run's file" ;; esac
  tui_keys r
  tui_wait 'not renamed: out.csv is tide'"'"'s record of run #1'
  tui_keys Up
  tui_keys Delete
  tui_wait 'not deleted: the files run #1 wrote are tide'"'"'s record of it'
  case "$(tui_screen)" in *'Delete the folder'*) fail "the tree asks to delete the run's files" ;; esac
  tui_keys r
  tui_wait 'not renamed: the files run #1 wrote'
  [ -f "$gen/out.csv" ] || fail "the run's out.csv was deleted"
  expect_contains "$(cd p && "$TIDE" files)" 'out.csv'
  case "$(cd p && "$TIDE" files)" in *expired*) fail "tide files says out.csv expired" ;; esac
  # Gone from the data folder (as tide gc removes it): the tree, read
  # again (a new file made in it, in the folder, not among the run's),
  # leaves it out, and the group with it.
  rm "$gen/out.csv"
  tui_keys n
  tui_wait 'New file in p/:'
  tui_type 'x.txt'
  tui_keys Enter
  tui_wait_gone 'New file in'
  [ -f p/x.txt ] || fail "x.txt was not made in the folder"
  # (A message of its own takes the place of the refusal's, which names the
  # run too.)
  tui_type 'hi'
  tui_keys C-s
  tui_wait 'saved x.txt'
  tui_wait_gone 'run #1 wrote'
  tui_wait_gone 'out.csv *'
}

# A name in another script fills the pane's width, counted in columns (it
# was cut after as many bytes, a third of the width for CJK).
test_names_are_measured_in_columns() {
  echo x >'日本語のファイル名前.txt'
  tui_start -x 100 .
  tui_wait '  日本語のファイル名│'
}

# A folder bigger than the tree shows: its first entries in order (not
# whatever the file system listed first), and the count says so.
test_a_big_folder_shows_its_first_entries_and_says_so() {
  mkdir big
  python3 -c '
for i in range(6000): open("big/f%05d.txt" % i, "w").close()'
  tui_start big
  tui_wait ' big (5000/6000)'
  tui_wait '  f00000.txt'
  tui_wait '  f00001.txt'
  tui_keys C-e End
  tui_wait '  f04999.txt'
}

# The tree follows the disk: a folder is read again when it has changed
# (its mtime), also long after it was first read.
# A file saved under a new name is in the tree as the save is said, not
# at the next look at the folder two seconds later.
test_a_file_saved_under_a_new_name_is_in_the_tree_at_once() {
  printf 'x\n' >first.txt
  tui_start .
  tui_wait 'first.txt'
  tui_keys C-n
  tui_type 'print(1)'
  tui_keys C-s
  tui_wait 'Save as:'
  tui_type 'made.py'
  tui_keys Enter
  tui_wait 'saved made.py: 1 line, 8 bytes'
  expect_contains "$(tui_screen | sed 1d | cut -c1-20)" '  made.py '
}

test_files_made_outside_appear_in_the_tree() {
  printf 'x\n' >first.txt
  tui_start .
  tui_wait 'first.txt'
  sleep 2.5
  printf 'y\n' >second.txt
  tui_wait 'second.txt' 6
  rm first.txt
  tui_wait_gone 'first.txt' 6
}

# The tree's look at its folders (every 2 s) is the io worker's: on a
# network mount a folder's stat can take long, on a hung one forever, and
# the keys must not wait for it.
test_the_tree_is_read_off_the_ui_thread() {
  mkdir sub
  printf 'x\n' >sub/first.txt
  traced_tide read,write,openat,newfstatat,stat,statx 32
  TIDE=$T/traced-tide tui_start .
  tui_wait 'sub/'
  # (.xdg/, the test's own, comes first.)
  tui_keys C-e Down Enter
  tui_wait 'v sub/'
  tui_wait 'first.txt'
  # Unfolded by the user, sub was read at once; from the next key on,
  # only the looks every 2 s read the folders.
  tui_keys Up
  sleep 4.5
  printf 'y\n' >sub/second.txt
  printf 'z\n' >third.txt
  tui_wait 'second.txt' 6
  tui_wait 'third.txt' 6
  local ui
  # The UI thread: the one that read the key; from then on it looks at
  # neither folder.
  ui=$(awk -v top="$T" '
    / read\(0, "A"/ { main = $1; after = 1; next }
    after && $1 == main && (index($0, "\"" top "\"") || index($0, "\"" top "/sub\"")) { n++ }
    END { print n + 0 }' calls)
  [ "$ui" -eq 0 ] || fail "the UI thread looked at the folders:$(grep -F "\"$T" calls | cut -c1-120 | tail -10 | sed 's/^/    | /')"
}

# A data person's plot: the picture a run saved is shown as one, in the
# terminal's colours, not as the bytes of a PNG; `tide FILE` shows one too.
test_a_picture_the_run_saved_is_shown() {
  mkdir p
  cat >p/plot.py <<'P'
import struct, zlib
w, h = 40, 20
rows = b"".join(b"\0" + b"".join(bytes((255, 0, 0) if x < w // 2 else (0, 0, 255)) for x in range(w)) for y in range(h))
def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
open("plot.png", "wb").write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
                             + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))
print("saved")
P
  tui_start p/plot.py
  tui_wait 'import struct'
  tui_keys F5
  tui_wait 'ok · exit 0' 30
  tui_wait 'plot.png *'
  # Enter in the panel shows it at once, as its title says.
  tui_wait 'Enter: show the picture'
  tui_keys Enter
  tui_wait 'plot.png · PNG, 40×20 pixels'
  tui_esc
  tui_wait 'Enter: show the picture'
  # So does Enter on it in the tree.
  tui_keys F6
  tui_keys End Enter
  tui_wait 'plot.png · PNG, 40×20 pixels'
  case "$(tui_screen)" in *'<89>PNG'*|*IHDR*) fail "the picture is shown as bytes" ;; esac
  # Red on the left, blue on the right: the palette's 196 and 21.
  local colours
  colours=$(tui_screen -e)
  case "$colours" in *'48;5;196m'*'48;5;21m'*|*'38;5;196m'*'38;5;21m'*) ;;
    *) fail "the picture is not in its colours: $(printf '%s' "$colours" | head -c 600 | cat -v)" ;; esac
  tui_esc
  tui_wait_gone 'PNG, 40×20 pixels'
  tui_wait 'import struct'
  # The result, browsed later (F7), lists what it wrote; Enter shows it.
  tui_keys F7
  tui_wait 'result #1 (1 of 1)'
  tui_keys Down
  tui_wait '── files it wrote ──'
  tui_wait 'plot.png (97 B, image/png)'
  tui_keys Enter
  tui_wait 'plot.png · PNG, 40×20 pixels'
  tui_esc
  tui_wait 'result #1 (1 of 1)'
  tui_stop
  cp "$XDG_DATA_HOME"/tide/sessions/1/generated/1/plot.png p/copy.png
  tui_start p/copy.png
  tui_wait 'copy.png · PNG, 40×20 pixels'
  tui_stop
  # One cut short opens as bytes, and says why.
  head -c 60 p/copy.png >p/cut.png
  tui_start p/cut.png
  tui_wait 'cut.png is a damaged PNG picture'
  tui_wait 'here are its bytes'
  tui_wait '<89>PNG'
}

# Several plots from one run: Enter shows the first, Left and Right the
# others.
# A data person's plot: plt.show() in the sandbox (no window there) saves
# the figure, which the panel offers and shows (Debian's matplotlib, which
# make check installs).
test_plt_show_shows_the_plot() {
  /usr/bin/python3 -c 'import matplotlib' 2>/dev/null ||
    fail "Debian's python3-matplotlib is not installed (make check installs it)"
  printf 'import matplotlib.pyplot as plt\nplt.plot([1, 2, 3], [1, 4, 9])\nplt.show()\nprint("after the plot")\n' >plot.py
  TUI_ENV="PATH=/usr/bin:$PATH" tui_start plot.py
  tui_wait 'plt.show()'
  tui_keys F5
  tui_wait 'Enter: show the picture' 30
  tui_wait 'after the plot'
  tui_keys Enter
  tui_wait 'Figure_1.png · PNG, 640×480 pixels'
  tui_esc
  tui_wait_gone 'Figure_1.png · PNG'
}

# A big picture decodes in the background (30 megapixels: about a
# quarter of a second here): the IDE draws and answers keys meanwhile, and
# Esc leaves it before it comes.
test_a_big_picture_is_decoded_in_the_background() {
  python3 - <<'P'
import struct, zlib
w, h = 6000, 5000
rows = (b"\0" + bytes([120, 200, 40]) * w) * h
chunk = lambda k, d: struct.pack(">I", len(d)) + k + d + struct.pack(">I", zlib.crc32(k + d))
open("big.png", "wb").write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
                           + chunk(b"IDAT", zlib.compress(rows, 1)) + chunk(b"IEND", b""))
P
  tui_start big.png
  tui_wait 'big.png · decoding…'
  tui_esc
  tui_wait_gone 'big.png · decoding…'
  sleep 1
  case "$(tui_screen)" in *'6000×5000'*) fail "the picture left with Esc came back" ;; esac
  tui_keys C-o
  tui_wait 'Open file:'
  tui_type 'big.png'
  tui_keys Enter
  tui_wait 'big.png · PNG, 6000×5000 pixels' 20
}

test_the_pictures_of_a_run_are_gone_through() {
  mkdir p
  cat >p/two.py <<'P'
import struct, zlib
def png(name, rgb):
    w, h = 8, 4
    rows = b"".join(b"\0" + bytes(rgb) * w for _ in range(h))
    chunk = lambda k, d: struct.pack(">I", len(d)) + k + d + struct.pack(">I", zlib.crc32(k + d))
    open(name, "wb").write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
                           + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))
png("a.png", (255, 0, 0))
png("b.png", (0, 0, 255))
P
  tui_start p/two.py
  tui_wait 'import struct'
  tui_keys F5
  tui_wait 'Enter: show the pictures' 30
  tui_keys Enter
  tui_wait 'a.png · PNG, 8×4 pixels · 1 of 2'
  tui_wait 'Left/Right: the others'
  tui_keys Right
  tui_wait 'b.png · PNG, 8×4 pixels · 2 of 2'
  tui_keys Right
  tui_wait 'a.png · PNG, 8×4 pixels · 1 of 2'
  tui_keys Left
  tui_wait 'b.png · PNG, 8×4 pixels · 2 of 2'
  tui_esc
  tui_wait_gone '2 of 2'
}
