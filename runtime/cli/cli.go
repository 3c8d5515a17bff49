// Package cli is disco's command line: global flags and settings, one file
// per verb, and Run, which tests call in-process.
//
// Exit codes: 0 success, 1 a configuration or build error, 2 a usage error.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/charmbracelet/log"
	"github.com/disco-build/disco/runtime/progress"
	"github.com/disco-build/disco/runtime/settings"
	"github.com/muesli/termenv"
	"github.com/peterbourgon/ff/v3"
	"github.com/peterbourgon/ff/v3/ffcli"
)

// Exit codes.
const (
	ExitOK      = 0
	ExitFailure = 1
	ExitUsage   = 2
)

// Version is set at link time (-ldflags "-X ...cli.Version=v1.2.3").
var Version = "devel"

// usageError marks errors that are the user's invocation, not the config.
type usageError struct{ err error }

func (u usageError) Error() string { return u.err.Error() }
func (u usageError) Unwrap() error { return u.err }

func usagef(format string, args ...any) error {
	return usageError{fmt.Errorf(format, args...)}
}

// env is what every verb gets: streams, the global settings, the logger.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	config, cache  string
	configFlag     string // -C, which wins over DISCO_CONFIG
	logLevel       string
	logFormat      string
	maxMemory      string // --max-memory: Starlark evaluation's memory bound
	version        bool   // --version
	log            *log.Logger
	line           *progress.Line // the status line on stderr

	root    *ffcli.Command
	paths   map[*ffcli.Command]string // "disco cache gc", for hints
	globals map[string]bool           // the global flags' names
	failed  *ffcli.Command            // the command whose flags or run failed last
}

// Run parses args and runs the verb, returning the exit code.
func Run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr}
	root := e.rootCommand()
	e.prepare(root)
	if err := e.applySettings(); err != nil {
		fmt.Fprintf(stderr, "disco: %v\n", err)
		return ExitFailure
	}
	if err := root.Parse(args); err != nil {
		return e.exit(usageError{err})
	}
	if e.version {
		return e.exit(e.printVersion())
	}
	if e.configFlag != "" {
		e.config = e.configFlag
	}
	if err := e.setupLog(); err != nil {
		fmt.Fprintf(stderr, "disco: %v\n", err)
		return ExitUsage
	}
	return e.exit(root.Run(ctx))
}

// exit prints what err calls for and returns the exit code: -h prints the
// help of the command asked about, a usage error one line and a hint.
func (e *env) exit(err error) int {
	var uerr usageError
	switch {
	case err == nil:
		return ExitOK
	case errors.Is(err, flag.ErrHelp):
		c := e.failed
		if c == nil {
			c = e.root
		}
		io.WriteString(e.stderr, e.helpText(c))
		return ExitOK
	case errors.As(err, &uerr):
		fmt.Fprintln(e.stderr, e.usageMessage(err))
		return ExitUsage
	}
	fmt.Fprintln(e.stderr, err)
	return ExitFailure
}

func (e *env) rootCommand() *ffcli.Command {
	fs := flag.NewFlagSet("disco", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Func("C", "config root: the `DIR` holding .star files and/or a discographer tree (default .)", func(s string) error {
		e.configFlag = s
		return nil
	})
	fs.StringVar(&e.config, "config", ".", "same as -C `DIR`")
	fs.StringVar(&e.cache, "cache", "", "cache folder `DIR` (default CONFIG/cache)")
	fs.StringVar(&e.logLevel, "log-level", "info", "log level, `debug|info|warn|error`")
	fs.StringVar(&e.logFormat, "log-format", "text", "log format, `text|json`")
	fs.BoolVar(&e.version, "version", false, "print the version and exit")
	fs.StringVar(&e.maxMemory, "max-memory", "", "memory bound of Starlark evaluation, `SIZE` such as 2G (default 1G)")
	return &ffcli.Command{
		Name:       "disco",
		ShortUsage: "disco [flags] <verb> [verb flags] [args]",
		ShortHelp:  "build reproducible VM disk images from machine definitions",
		LongHelp: strings.TrimSpace(`
disco turns machine definitions kept in source control (Starlark .star files
and/or a discographer tree) into reproducible virtual-machine disk images.

Global flags may come before or after the verb. Each can also be set in the
environment as DISCO_<NAME> (DISCO_CONFIG, DISCO_CACHE, DISCO_LOG_LEVEL,
DISCO_LOG_FORMAT,
DISCO_MAX_MEMORY). Settings are read from /etc/discographer/configuration,
then ~/.discographer (shell assignments such as configPath=/srv/machines;
never executed), then the environment, then flags.

Exit codes: 0 success, 1 configuration or build error, 2 usage error.

Examples:
  disco -C examples/starlark eval --machine web
  disco help build`),
		FlagSet:     fs,
		Options:     []ff.Option{ff.WithEnvVarPrefix("DISCO")},
		Subcommands: []*ffcli.Command{e.evalCommand(), e.lockCommand(), e.fetchCommand(), e.buildCommand(), e.testCommand(), e.inspectCommand(), e.cacheCommand(), e.versionCommand(), e.helpCommand()},
		Exec: func(_ context.Context, args []string) error {
			if len(args) > 0 {
				return usagef("unknown verb %q", args[0])
			}
			return usagef("no verb given")
		},
	}
}

// applySettings reads the discographer configuration files and makes their
// configPath and cachePath the defaults the environment and flags override.
func (e *env) applySettings() error {
	files := []string{"/etc/discographer/configuration"}
	if p := os.Getenv("DISCO_SYSTEM_CONFIGURATION"); p != "" {
		files[0] = p
	}
	home, herr := os.UserHomeDir()
	if herr == nil {
		files = append(files, filepath.Join(home, ".discographer"))
	}
	// The files may refer to $HOME (and ~), as when bash sourced them; no
	// other environment variable leaks into them.
	onlyHome := func(name string) (string, bool) {
		return home, name == "HOME" && herr == nil
	}
	vals, _, err := settings.LoadEnv(files, onlyHome)
	if err != nil {
		return err
	}
	if v := vals["configPath"]; v != "" {
		e.config = v
	}
	if v := vals["cachePath"]; v != "" {
		e.cache = v
	}
	return nil
}

func (e *env) setupLog() error {
	level, err := log.ParseLevel(e.logLevel)
	if err != nil {
		return fmt.Errorf("--log-level: %w", err)
	}
	// The logger gets stderr behind a plain io.Writer: handed an *os.File
	// that is a terminal, its colour library (termenv, through lipgloss)
	// asks the terminal for its colours and cursor position (ESC]10;?
	// ESC]11;? ESC[6n) and waits for the answers. The colours are set
	// here instead: ANSI on a terminal unless NO_COLOR is set.
	// Log lines go above the status line fetch and build draw.
	e.line = e.newLine()
	e.log = log.NewWithOptions(plainWriter{e.line.Writer()}, log.Options{Level: level, Prefix: "disco"})
	if isTerminal(e.stderr) && os.Getenv("NO_COLOR") == "" {
		e.log.SetColorProfile(termenv.ANSI)
	}
	switch e.logFormat {
	case "text":
	case "json":
		e.log.SetFormatter(log.JSONFormatter)
	default:
		return fmt.Errorf("--log-format %q: want text or json", e.logFormat)
	}
	return nil
}

// plainWriter hides what a writer is (an *os.File) from the logger.
type plainWriter struct{ w io.Writer }

func (p plainWriter) Write(b []byte) (int, error) { return p.w.Write(b) }

// cacheDir is the cache folder: --cache, else CONFIG/cache.
func (e *env) cacheDir() string {
	if e.cache != "" {
		return e.cache
	}
	return filepath.Join(e.config, "cache")
}
