package cli

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/disco-build/disco/internal/rpmtest"
	"github.com/disco-build/disco/stages/initramfs"
	"github.com/disco-build/disco/stages/vmtest"
	"github.com/rogpeppe/go-internal/testscript"
)

var update = flag.Bool("update", false, "rewrite the testscript goldens in testdata/script")

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"disco": func() {
			os.Exit(Run(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
		},
		"holdlock": func() { os.Exit(holdLockMain()) },
	})
}

// TestScript runs the goldens in testdata/script. Scripts see $EXAMPLES
// (the repository's examples folder), $DISCO_INIT (a disco-init built
// once for all of them) and a HOME of their own; the system
// configuration file is pointed at a path that does not exist unless a
// script sets DISCO_SYSTEM_CONFIGURATION itself.
func TestScript(t *testing.T) {
	examples, err := filepath.Abs("../../examples")
	if err != nil {
		t.Fatal(err)
	}
	// One disco-init for every build in the scripts, instead of a go
	// build per disco invocation.
	initBin := filepath.Join(t.TempDir(), "disco-init")
	if err := initramfs.BuildInit(context.Background(), initBin); err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Dir:                 "../../testdata/script",
		UpdateScripts:       *update,
		RequireExplicitExec: true,
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"mkrepo":    cmdMkrepo,
			"mkaptrepo": cmdMkaptrepo,
			"waitlock":  cmdWaitLock,
		},
		Condition: func(cond string) (bool, error) {
			if cond == "oracles" {
				_, err := exec.LookPath("rpmbuild")
				_, err2 := exec.LookPath("createrepo_c")
				ok := err == nil && err2 == nil
				if !ok && os.Getenv("CI") != "" {
					return false, fmt.Errorf("rpmbuild and createrepo_c must be installed under CI")
				}
				return ok, nil
			}
			if cond == "dpkg" {
				_, err := exec.LookPath("dpkg-deb")
				if err != nil && os.Getenv("CI") != "" {
					return false, fmt.Errorf("dpkg-deb must be installed under CI")
				}
				return err == nil, nil
			}
			if cond == "ovmf" {
				_, err := vmtest.FindFirmware()
				if err != nil && os.Getenv("CI") != "" {
					return false, fmt.Errorf("OVMF must be installed under CI: %w", err)
				}
				return err == nil, nil
			}
			return false, fmt.Errorf("unknown condition %q", cond)
		},
		Setup: func(e *testscript.Env) error {
			e.Setenv("EXAMPLES", examples)
			e.Setenv("DISCO_INIT", initBin)
			e.Setenv("HOME", filepath.Join(e.WorkDir, "home"))
			e.Setenv("DISCO_SYSTEM_CONFIGURATION", filepath.Join(e.WorkDir, "no-system-configuration"))
			return os.MkdirAll(filepath.Join(e.WorkDir, "home"), 0o755)
		},
	})
}

// cmdMkrepo builds a real repository: mkrepo DIR LIST builds the packages
// LIST describes (see rpmtest.ParseList) into DIR and runs createrepo_c;
// copy= sources are relative to the script's working folder.
func cmdMkrepo(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: mkrepo DIR LIST")
	}
	pkgs, err := rpmtest.ParseList(ts.ReadFile(args[1]))
	ts.Check(err)
	for i := range pkgs {
		for dest, src := range pkgs[i].Copies {
			pkgs[i].Copies[dest] = ts.MkAbs(src) // relative to the script's folder
		}
	}
	dir := ts.MkAbs(args[0])
	ts.Check(rpmtest.Build(dir, pkgs))
	ts.Check(rpmtest.CreateRepo(dir))
}
