package legacy

import (
	"strings"
	"syscall"
	"testing"
)

// TestErrors breaks a valid machine in one way each and checks the
// positioned message.
func TestErrors(t *testing.T) {
	const m = "prod/machines/web"
	cases := []struct {
		name  string
		dir   string // machine folder, default m
		setup func(t *testing.T, root string)
		want  string
	}{
		{"upper case name", "prod/machines/Web", nil, `prod/machines/Web: machine name "Web": must not contain upper case letters`},
		{"digit first", "prod/machines/1web", nil, `prod/machines/1web: machine name "1web": must not start with a digit`},
		{"dash first", "prod/machines/-web", nil, `prod/machines/-web: machine name "-web": must not start with '-'`},
		{"too short", "prod/machines/w", nil, `prod/machines/w: machine name "w": must be 2 to 63 characters long (has 1)`},
		{"too long", "prod/machines/" + strings.Repeat("a", 64), nil, "must be 2 to 63 characters long (has 64)"},
		{"dot", "prod/machines/web.example", nil, `prod/machines/web.example: machine name "web.example": must not contain '.'`},
		{"underscore", "prod/machines/web_1", nil, `prod/machines/web_1: machine name "web_1": may contain only a-z, 0-9 and '-' (found '_')`},
		{"fifo with major", "", devices("/dev/ram0 b 660 1 0\n/dev/xconsole p 0755 4 0\n"),
			m + `/devices:2: device /dev/xconsole: a FIFO (p) takes no major or minor`},
		{"b without minor", "", devices("# c\n/dev/ram0 b 660 1\n"),
			m + `/devices:2: device /dev/ram0: type b needs both major and minor`},
		{"b without either, later form", "", devices("/dev/ram0 0 6 0660 b\n"),
			m + `/devices:1: device /dev/ram0: type b needs both major and minor`},
		{"relative device path", "", devices("dev/null c 666 1 3\n"),
			m + `/devices:1: device path "dev/null": must be absolute`},
		{"dot-dot device path", "", devices("/dev/../etc/passwd c 666 1 3\n"),
			m + `/devices:1: device path "/dev/../etc/passwd": must not contain '..'`},
		{"unknown type", "", devices("/dev/x z 666\n"), m + `/devices:1: device /dev/x: type "z" must be b, c or p`},
		{"too few fields", "", devices("/dev/null c\n"), m + `/devices:1: 2 fields: want "path type mode [major minor]"`},
		{"too many fields", "", devices("/dev/null c 666 1 3 4\n"), m + `/devices:1: too many fields`},
		{"later form too short", "", devices("/dev/null 0 0 0666\n"), m + `/devices:1: 4 fields`},
		{"mode not octal", "", devices("/dev/null c 698 1 3\n"), m + `/devices:1: mode "698": must be octal`},
		{"negative major", "", devices("/dev/null c 666 -1 3\n"), m + `/devices:1: major "-1": must be a non-negative decimal number`},
		{"bad gid", "", devices("/dev/null 0 x 0666 c 1 3\n"), m + `/devices:1: gid "x": must be a non-negative decimal number`},
		{"group devices line", "", func(t *testing.T, root string) { write(t, root, "prod/devices", "\n\n/dev/p p\n") },
			`prod/devices:3: 2 fields`},
		{"missing packages", "", func(t *testing.T, root string) { remove(t, root, m+"/packages") },
			m + `/packages: missing packages file`},
		{"two packages on a line", "", func(t *testing.T, root string) { write(t, root, m+"/packages", "bash\nvim git\n") },
			m + `/packages:2: "vim git": one package name per line`},
		{"packages is a folder", "", func(t *testing.T, root string) {
			remove(t, root, m+"/packages")
			mkdir(t, root, m+"/packages")
		}, m + `/packages: must be a regular file (is a folder)`},
		{"missing yum.conf.template", "", func(t *testing.T, root string) { remove(t, root, m+"/yum/yum.conf.template") },
			m + `/yum/yum.conf.template: missing yum.conf.template`},
		{"missing yum", "", func(t *testing.T, root string) { remove(t, root, m+"/yum") },
			m + `/yum/yum.conf.template: missing yum.conf.template`},
		{"missing init", "", func(t *testing.T, root string) { remove(t, root, m+"/init") },
			m + `/init: missing init`},
		{"init not executable", "", func(t *testing.T, root string) { writeMode(t, root, m+"/init", "#!/bin/sh\n", 0o644) },
			m + `/init: init is not executable (mode 0644)`},
		{"init links to a non-executable", "", func(t *testing.T, root string) {
			remove(t, root, m+"/init")
			write(t, root, "templates/init", "#!/bin/sh\n")
			symlink(t, root, m+"/init", "../../../templates/init")
		}, m + `/init: init is not executable`},
		{"init dangling symlink", "", func(t *testing.T, root string) {
			remove(t, root, m+"/init")
			symlink(t, root, m+"/init", "../../../templates/nope")
		}, m + `/init: cannot follow the symlink: no such file or directory`},
		{"init symlink loop", "", func(t *testing.T, root string) {
			remove(t, root, m+"/init")
			symlink(t, root, m+"/init", "init")
		}, m + `/init: cannot follow the symlink: too many levels of symbolic links`},
		{"init is a folder", "", func(t *testing.T, root string) {
			remove(t, root, m+"/init")
			mkdir(t, root, m+"/init")
		}, m + `/init: init must be an executable file (is a folder)`},
		{"overlay not a folder", "", func(t *testing.T, root string) { write(t, root, m+"/root-overlays/motd", "x\n") },
			m + `/root-overlays/motd: an overlay must be a folder`},
		{"root-overlays not a folder", "", func(t *testing.T, root string) { write(t, root, "prod/root-overlays", "x\n") },
			`prod/root-overlays: must be a folder (is a file)`},
		{"fifo in an overlay", "", func(t *testing.T, root string) {
			mkdir(t, root, m+"/root-overlays/fixed/dev")
			if err := syscall.Mkfifo(root+"/"+m+"/root-overlays/fixed/dev/p", 0o644); err != nil {
				t.Fatal(err)
			}
		}, m + `/root-overlays/fixed: dev/p: unsupported file type`},
		{"scriptlet is a folder", "", func(t *testing.T, root string) { mkdir(t, root, m+"/generator-scriptlets/10-x") },
			m + `/generator-scriptlets/10-x: must be a regular file (is a folder)`},
		{"repo is a folder", "", func(t *testing.T, root string) { mkdir(t, root, m+"/yum/repositories/x.repo") },
			m + `/yum/repositories/x.repo: must be a regular file (is a folder)`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			dir := tc.dir
			if dir == "" {
				dir = m
			}
			machine(t, root, dir)
			if tc.setup != nil {
				tc.setup(t, root)
			}
			res := read(t, root, Options{})
			if res.err == nil {
				t.Fatalf("no error, want %q", tc.want)
			}
			msgs := positioned(t, res.err)
			if len(msgs) != 1 || !strings.Contains(msgs[0], tc.want) {
				t.Errorf("got %q, want one error containing %q", msgs, tc.want)
			}
			if !strings.HasPrefix(msgs[0], "prod/") {
				t.Errorf("error %q does not start with the root-relative path", msgs[0])
			}
		})
	}
}

func devices(content string) func(t *testing.T, root string) {
	return func(t *testing.T, root string) { write(t, root, "prod/machines/web/devices", content) }
}

// TestErrorsTogether checks that problems in several machines are all
// returned, in order.
func TestErrorsTogether(t *testing.T) {
	root := t.TempDir()
	machine(t, root, "prod/machines/ok")
	machine(t, root, "prod/machines/a1")
	remove(t, root, "prod/machines/a1/packages")
	remove(t, root, "prod/machines/a1/init")
	machine(t, root, "lab/machines/B")
	res := read(t, root, Options{})
	got := positioned(t, res.err)
	want := []string{
		`lab/machines/B: machine name "B": must be 2 to 63 characters long (has 1)`,
		"prod/machines/a1/packages: missing packages file",
		"prod/machines/a1/init: missing init",
	}
	if len(got) != len(want) {
		t.Fatalf("got %q, want %q", got, want)
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("error %d: got %q, want %q", i, got[i], want[i])
		}
	}
}
