package settings

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/disco-build/disco/internal/testtool"
	"github.com/disco-build/disco/runtime/plan"
)

const home = "/home/tester"

func testEnv(name string) (string, bool) {
	if name == "HOME" {
		return home, true
	}
	return "", false
}

// accepted lists files whose values are checked against bash.
var accepted = []struct {
	name, src string
	want      map[string]string
}{
	{"plain", "configPath=/srv/disco\ncachePath=${configPath}/cache\n",
		map[string]string{"configPath": "/srv/disco", "cachePath": "/srv/disco/cache"}},
	{"export and comments", "# discographer settings\n\n  export configPath=/srv/x # trailing\nexport a b=1\n",
		map[string]string{"configPath": "/srv/x", "b": "1"}},
	{"single quotes", "a='$x `y` \\n \"q\"'\n", map[string]string{"a": "$x `y` \\n \"q\""}},
	{"double quotes", "x=1\na=\"v=$x ${x}y \\\" \\\\ \\$x \\` \\a 'q'\"\n",
		map[string]string{"x": "1", "a": "v=1 1y \" \\ $x ` \\a 'q'"}},
	{"unquoted escapes", "a=one\\ two\\$x\\\"\n", map[string]string{"a": "one two$x\""}},
	{"hash inside word", "a=b#c\n", map[string]string{"a": "b#c"}},
	{"literal dollar", "a=$\nb=\"$\"\nc=$/x\n", map[string]string{"a": "$", "b": "$", "c": "$/x"}},
	{"several per line", "a=1 b=$a c=\"$b$a\"\n", map[string]string{"a": "1", "b": "1", "c": "11"}},
	{"export expands first", "a=1\nexport a=2 b=$a\n", map[string]string{"a": "2", "b": "1"}},
	{"tilde", "a=~/x\nb=x:~/y:~\nc=x~\nd='~'/x\nexport e=~/z f=p:~\n",
		map[string]string{"a": home + "/x", "b": "x:" + home + "/y:" + home, "c": "x~", "d": "~/x",
			"e": home + "/z", "f": "p:" + home}},
	{"globs and braces are literal in assignments", "a=* b={x,y} c=[ab]\n",
		map[string]string{"a": "*", "b": "{x,y}", "c": "[ab]"}},
	{"continuations", "a=one\\\ntwo b=\"x\ny\" \\\n  c=3\n", map[string]string{"a": "onetwo", "b": "x\ny", "c": "3"}},
	{"no spaces in value", "a=\"sp ace\"\nb=$a\n", map[string]string{"a": "sp ace", "b": "sp ace"}},
	{"reassign", "a=1\na=${a}2\n", map[string]string{"a": "12"}},
	{"empty values", "a=\nb=''\nc=\"\"\n", map[string]string{"a": "", "b": "", "c": ""}},
	{"no final newline", "a=1", map[string]string{"a": "1"}},
	{"crlf kept like bash", "a=1\r\n", map[string]string{"a": "1\r"}},
	{"home from env", "a=$HOME/d\n", map[string]string{"a": home + "/d"}},
}

func TestParseAccepted(t *testing.T) {
	for _, tc := range accepted {
		t.Run(tc.name, func(t *testing.T) {
			got := map[string]string{}
			if err := Parse("conf", []byte(tc.src), got, testEnv); err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if !equal(got, tc.want) {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

// TestParseMatchesBash sources each accepted file with bash and compares.
func TestParseMatchesBash(t *testing.T) {
	testtool.Need(t, "bash")
	for _, tc := range accepted {
		t.Run(tc.name, func(t *testing.T) {
			got := map[string]string{}
			if err := Parse("conf", []byte(tc.src), got, testEnv); err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if want := bashValues(t, tc.src, keys(got)); !equal(got, want) {
				t.Errorf("disco %q, bash %q", got, want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	cases := []struct{ src, want string }{
		{"a=1\nb=$(id)\n", "conf:2: command substitution"},
		{"a=`id`\n", "conf:1: command substitution"},
		{"a=\"`id`\"\n", "conf:1: command substitution"},
		{"a=\"$(id)\"\n", "conf:1: command substitution"},
		{"a=$((1+1))\n", "conf:1: command substitution and arithmetic"},
		{"a=1; b=2\n", "conf:1: ';' is not allowed"},
		{"a=1 | cat\n", "conf:1: '|' is not allowed"},
		{"a=1 && b=2\n", "conf:1: '&' is not allowed"},
		{"a=1 >x\n", "conf:1: '>' is not allowed"},
		{"a=(1 2)\n", "conf:1: '(' is not allowed"},
		{"\n\nrm -rf /\n", "conf:3: \"rm\" is not an assignment"},
		{"a=1 echo\n", "conf:1: \"echo\" is not an assignment"},
		{"source x\n", "conf:1: \"source\" is not an assignment"},
		{"export\n", "conf:1: export needs"},
		{"a+=1\n", "conf:1: \"a+=1\" is not an assignment"},
		{"a[1]=x\n", "conf:1: \"a[1]=x\" is not an assignment"},
		{"\"a\"=1\n", "conf:1: \"a=1\" is not an assignment"},
		{"1a=1\n", "conf:1: \"1a=1\" is not an assignment"},
		{"a=$b\n", "conf:1: $b is not set"},
		{"a=${b}\n", "conf:1: $b is not set"},
		{"a=${b:-x}\n", "conf:1: ${b:-x}: only ${name} is supported"},
		{"a=${#b}\n", "conf:1: ${#b}: only ${name}"},
		{"a=${b\n", "conf:1: unterminated ${"},
		{"a=$1\n", "conf:1: special parameter $1"},
		{"a=$@\n", "conf:1: special parameter $@"},
		{"a=$_\n", "conf:1: special parameter $_"},
		{"a=$'x'\n", "conf:1: $'...' quoting"},
		{"a=$\"x\"\n", "conf:1: $\"...\" quoting"},
		{"a='x\n\n", "conf:1: unterminated single quote"},
		{"x=1\na=\"x\ny\n", "conf:2: unterminated double quote"},
		{"a=x\\", "conf:1: backslash at the end"},
		{"a=~user\n", "conf:1: ~ must be followed by '/'"},
		{"a=~\"x\"\n", "conf:1: ~ must be followed by '/'"},
		{"export a=*\n", "conf:1: unquoted '*' in an export argument"},
		{"export a={x,y}\n", "conf:1: unquoted '{' in an export argument"},
		{"a=\"x\ny\"\nb=`id`\n", "conf:3: command substitution"},
		{"a=1\x00\n", "conf:1: NUL byte"},
	}
	for _, tc := range cases {
		err := Parse("conf", []byte(tc.src), map[string]string{}, nil)
		var perr *plan.Error
		if !errors.As(err, &perr) {
			t.Errorf("%q: got %v, want a *plan.Error %q", tc.src, err, tc.want)
			continue
		}
		if !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%q: got %q, want prefix %q", tc.src, err, tc.want)
		}
	}
}

func TestLoadOrderAndMissing(t *testing.T) {
	dir := t.TempDir()
	etc := filepath.Join(dir, "configuration")
	user := filepath.Join(dir, "dot-discographer")
	write(t, etc, "configPath=/srv/disco\ncachePath=$configPath/cache\n")
	write(t, user, "cachePath=${configPath}/mine\n")
	vars, read, err := Load([]string{etc, filepath.Join(dir, "missing"), user})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"configPath": "/srv/disco", "cachePath": "/srv/disco/mine"}
	if !equal(vars, want) {
		t.Errorf("got %q, want %q", vars, want)
	}
	if strings.Join(read, ",") != etc+","+user {
		t.Errorf("files read %q", read)
	}
}

func TestLoadErrorNamesFile(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "configuration")
	write(t, f, "configPath=/x\ncachePath=$(mktemp)\n")
	_, _, err := Load([]string{f})
	if err == nil || !strings.HasPrefix(err.Error(), f+":2: ") {
		t.Fatalf("got %v, want %s:2: ...", err, f)
	}
	if _, _, err := Load([]string{dir}); err == nil {
		t.Fatal("reading a directory: want an error")
	}
}

func TestLoadEnv(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "c")
	write(t, f, "configPath=~/disco\nHOME=/other\nb=~/x\n")
	vars, _, err := LoadEnv([]string{f}, testEnv)
	if err != nil {
		t.Fatal(err)
	}
	if vars["configPath"] != home+"/disco" || vars["b"] != "/other/x" {
		t.Errorf("got %q", vars)
	}
	if _, _, err := Load([]string{f}); err == nil || !strings.Contains(err.Error(), "$HOME is not set") {
		t.Errorf("Load without env: got %v", err)
	}
}

func write(t *testing.T, name, content string) {
	t.Helper()
	if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func keys(m map[string]string) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

func equal(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// bashValues sources src with bash in an empty environment (HOME set) and
// returns the values of names.
func bashValues(t testing.TB, src string, names []string) map[string]string {
	t.Helper()
	dir := t.TempDir()
	f := filepath.Join(dir, "conf")
	if err := os.WriteFile(f, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	script := `. "$1" || exit 1; shift; for __n; do printf '%s=%s\0' "$__n" "${!__n}"; done`
	cmd := exec.Command("bash", append([]string{"--norc", "--noprofile", "-c", script, "bash", f}, names...)...)
	cmd.Env = []string{"HOME=" + home}
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("bash: %v", err)
	}
	got := map[string]string{}
	for _, kv := range strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00") {
		if k, v, ok := strings.Cut(kv, "="); ok {
			got[k] = v
		}
	}
	return got
}
