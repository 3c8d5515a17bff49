// Command mkrepo builds a small rpm-md repository from a package list (the
// format of rpmtest.ParseList) with rpmbuild and createrepo_c:
//
//	go run ./internal/rpmtest/mkrepo examples/repo.txt build/repo
//
// The examples' machines resolve against it until the real-package
// repository (converted Debian packages) replaces it.
package main

import (
	"fmt"
	"os"

	"github.com/disco-build/disco/internal/rpmtest"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: mkrepo LIST DIR")
		os.Exit(2)
	}
	if err := run(os.Args[1], os.Args[2]); err != nil {
		fmt.Fprintln(os.Stderr, "mkrepo:", err)
		os.Exit(1)
	}
}

func run(list, dir string) error {
	text, err := os.ReadFile(list)
	if err != nil {
		return err
	}
	pkgs, err := rpmtest.ParseList(string(text))
	if err != nil {
		return fmt.Errorf("%s: %w", list, err)
	}
	if err := rpmtest.Build(dir, pkgs); err != nil {
		return err
	}
	return rpmtest.CreateRepo(dir)
}
