package cli

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

var update = flag.Bool("update", false, "rewrite the testscript goldens in testdata/script")

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"disco": func() {
			os.Exit(Run(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
		},
	})
}

// TestScript runs the goldens in testdata/script. Scripts see $EXAMPLES
// (the repository's examples folder) and a HOME of their own; the system
// configuration file is pointed at a path that does not exist unless a
// script sets DISCO_SYSTEM_CONFIGURATION itself.
func TestScript(t *testing.T) {
	examples, err := filepath.Abs("../../examples")
	if err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Dir:                 "../../testdata/script",
		UpdateScripts:       *update,
		RequireExplicitExec: true,
		Setup: func(e *testscript.Env) error {
			e.Setenv("EXAMPLES", examples)
			e.Setenv("HOME", filepath.Join(e.WorkDir, "home"))
			e.Setenv("DISCO_SYSTEM_CONFIGURATION", filepath.Join(e.WorkDir, "no-system-configuration"))
			return os.MkdirAll(filepath.Join(e.WorkDir, "home"), 0o755)
		},
	})
}
