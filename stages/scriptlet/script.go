package scriptlet

import (
	"strconv"
	"strings"
)

// Script is one package scriptlet to run.
type Script struct {
	Package string   // NEVRA of the package it belongs to
	Name    string   // "pretrans", "pre", "post", "posttrans", "triggerin", ...
	Prog    []string // interpreter and its arguments: ["/bin/sh"], ["/bin/bash", "-e"], ["<lua>"]
	Body    string   // empty for a program-only scriptlet such as "-p /sbin/ldconfig"
	// Arg1 is rpm's $1, the number of instances of the package after the
	// operation; a negative Arg1 is not passed.
	Arg1 int
	// Arg2 is $2 of a trigger (the triggering package's instance count);
	// it is passed only when Name starts with "trigger" and is not negative.
	Arg2 int
	// Prefixes are the install prefixes of a relocated package, exported
	// as RPM_INSTALL_PREFIX (the first) and RPM_INSTALL_PREFIX0, 1, ...
	Prefixes []string
	// Files are what a file trigger (%filetriggerin, %transfiletriggerin,
	// ...) is given: the matching paths, one per line on its stdin, or
	// through rpm.next_file() in Lua. Other scriptlets read /dev/null.
	Files []string
}

// IsLua reports a scriptlet for rpm's embedded Lua.
func (s Script) IsLua() bool { return len(s.Prog) > 0 && s.Prog[0] == LuaProg }

// LuaProg is the program name rpm gives Lua scriptlets.
const LuaProg = "<lua>"

// args are the positional arguments rpm appends: $1, and $2 for triggers.
func (s Script) args() []string {
	var a []string
	if s.Arg1 >= 0 {
		a = append(a, strconv.Itoa(s.Arg1))
	}
	if strings.HasPrefix(s.Name, "trigger") && s.Arg2 >= 0 {
		a = append(a, strconv.Itoa(s.Arg2))
	}
	return a
}

// Env is the scriptlet's whole environment, in a fixed order.
func Env(epoch int64, prefixes []string) []string {
	env := []string{
		"LC_ALL=C",
		"TZ=UTC",
		"SOURCE_DATE_EPOCH=" + strconv.FormatInt(epoch, 10),
		"PATH=/usr/sbin:/usr/bin:/sbin:/bin",
		"HOME=/root",
	}
	if len(prefixes) > 0 {
		env = append(env, "RPM_INSTALL_PREFIX="+prefixes[0])
	}
	for i, p := range prefixes {
		env = append(env, "RPM_INSTALL_PREFIX"+strconv.Itoa(i)+"="+p)
	}
	return env
}

// Status values of an Outcome.
const (
	Ran     = "ran"
	Skipped = "skipped"
	Failed  = "failed"
)

// Outcome is what running one scriptlet did.
type Outcome struct {
	Package  string  `json:"package"`
	Name     string  `json:"name"`
	Status   string  `json:"status"` // Ran, Skipped or Failed
	ExitCode int     `json:"exitCode"`
	Seconds  float64 `json:"seconds"`
	Output   string  `json:"output,omitempty"` // stdout and stderr interleaved, capped
	Reason   string  `json:"reason,omitempty"` // why it failed or was skipped
	// Isolation is how the scriptlet was jailed: IsolationIDMapped,
	// IsolationRoot (with the reason the id-mapped mode was not used) or
	// IsolationRootless. Empty when it did not start.
	Isolation string `json:"isolation,omitempty"`
}

// Isolation modes (see the package documentation).
const (
	// IsolationIDMapped: root in a user namespace of its own whose ids are
	// the host's 0x7fff0000 on, the tree id-mapped to it.
	IsolationIDMapped = "userns-idmapped"
	// IsolationRoot: the host's root with a bounded capability set, where
	// the kernel or the tree's file system has no id-mapped mounts.
	IsolationRoot = "root-bounded"
	// IsolationRootless: an unprivileged caller's user namespace, where
	// the caller is root and only the caller's uid is mapped.
	IsolationRootless = "userns-rootless"
)
