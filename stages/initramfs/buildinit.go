package initramfs

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
)

// InitPackage is the import path of disco's /init program.
const InitPackage = "github.com/disco-build/disco/cmd/disco-init"

const modulePath = "github.com/disco-build/disco"

// BuildInit compiles InitPackage for the host's architecture into
// outPath; see BuildInitFor.
func BuildInit(ctx context.Context, outPath string) error {
	return BuildInitFor(ctx, outPath, runtime.GOARCH)
}

// BuildInitFor compiles InitPackage for linux/goarch into outPath with the
// go command, as a static, stripped binary whose bytes depend only on the
// source and the Go version: CGO_ENABLED=0, -trimpath, no build ID, no VCS
// stamp, GOAMD64=v1 and GOFLAGS fixed. It needs disco's source tree: the
// module root found upwards from the working directory, else from this
// file's compile-time location (go test, go run).
func BuildInitFor(ctx context.Context, outPath, goarch string) error {
	src, err := sourceRoot()
	if err != nil {
		return err
	}
	out, err := filepath.Abs(outPath)
	if err != nil {
		return fmt.Errorf("initramfs: %w", err)
	}
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-buildvcs=false",
		"-ldflags=-s -w -buildid=", "-o", out, InitPackage)
	cmd.Dir = src
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+goarch,
		"GOAMD64=v1", "GOARM64=v8.0", "GOFLAGS=-mod=readonly", "GOEXPERIMENT=", "GOWORK=off")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("initramfs: go build %s in %s: %w: %s", InitPackage, src, err, strings.TrimSpace(stderr.String()))
	}
	return nil
}

// sourceRoot finds the directory of disco's go.mod.
func sourceRoot() (string, error) {
	var starts []string
	if wd, err := os.Getwd(); err == nil {
		starts = append(starts, wd)
	}
	if _, file, _, ok := runtime.Caller(0); ok && filepath.IsAbs(file) {
		starts = append(starts, filepath.Dir(file))
	}
	for _, s := range starts {
		for d := s; ; d = filepath.Dir(d) {
			if isDiscoModule(filepath.Join(d, "go.mod")) {
				return d, nil
			}
			if filepath.Dir(d) == d {
				break
			}
		}
	}
	return "", fmt.Errorf("initramfs: building %s needs disco's source tree (go.mod of %s), not found above %v", InitPackage, modulePath, starts)
}

func isDiscoModule(gomod string) bool {
	b, err := os.ReadFile(gomod)
	if err != nil {
		return false
	}
	first, _, _ := strings.Cut(string(b), "\n")
	return strings.TrimSpace(first) == "module "+modulePath
}
