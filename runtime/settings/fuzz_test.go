package settings

import (
	"errors"
	"os/exec"
	"strings"
	"testing"

	"github.com/disco-build/disco/runtime/plan"
)

// FuzzParse checks that Parse never panics, that every error is positioned
// at a line of the file, and that whatever it accepts, bash (when present)
// assigns the same values.
func FuzzParse(f *testing.F) {
	for _, tc := range accepted {
		f.Add(tc.src)
	}
	for _, s := range []string{"a=$(id)", "a=`x`", "a=\"${b}\"", "a=1;b", "x=1\\\ny=2", "a=~/\"x\"", "a=${x"} {
		f.Add(s)
	}
	_, bashErr := exec.LookPath("bash")
	f.Fuzz(func(t *testing.T, src string) {
		vars := map[string]string{}
		err := Parse("conf", []byte(src), vars, testEnv)
		if err != nil {
			var perr *plan.Error
			if !errors.As(err, &perr) || perr.Pos.File != "conf" {
				t.Fatalf("error %v is not a positioned *plan.Error", err)
			}
			if perr.Pos.Line < 1 || perr.Pos.Line > strings.Count(src, "\n")+1 {
				t.Fatalf("error line %d outside the file: %v", perr.Pos.Line, err)
			}
			return
		}
		if bashErr != nil || !comparable(vars) {
			return
		}
		if want := bashValues(t, src, keys(vars)); !equal(vars, want) {
			t.Fatalf("disco %q, bash %q", vars, want)
		}
	})
}

// comparable reports whether every name is one bash gives no special
// meaning (bash's own variables are upper case or start with '_').
func comparable(vars map[string]string) bool {
	for k := range vars {
		if k[0] == '_' || strings.ToLower(k) != k {
			return false
		}
	}
	return true
}
