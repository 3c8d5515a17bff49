package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/disco-build/disco/runtime/loader"
	"github.com/disco-build/disco/runtime/plan"
	"github.com/disco-build/disco/stages"
	"github.com/disco-build/disco/stages/vmtest"
	"github.com/peterbourgon/ff/v3/ffcli"
)

// The disk disco build leaves for disco test, and the console log disco
// test leaves, in the machine folder.
const (
	testDisk       = "disk.raw"
	testConsoleLog = "test-console.log"
	defaultTestSec = 120 // expect()'s default timeout
)

type testFlags struct {
	selection
	expect    string
	timeout   time.Duration
	console   bool
	appliance bool
	accel     string // auto, kvm or tcg
	accelFrom string // where accel came from, for messages
}

func (e *env) testCommand() *ffcli.Command {
	var f testFlags
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	f.register(fs, "result format")
	fs.StringVar(&f.expect, "expect", "", "wait for console `TEXT` instead of the plan's expect(...)")
	fs.Func("timeout", "`SECONDS` (or a duration such as 3m) to wait for the line, instead of the plan's", func(s string) error {
		d, err := parseSeconds(s)
		f.timeout = d
		return err
	})
	fs.BoolVar(&f.console, "console", false, "stream each machine's console to stderr as it boots")
	fs.BoolVar(&f.console, "v", false, "same as --console")
	fs.BoolVar(&f.appliance, "appliance", false, "boot the appliance output (qemu -kernel) even of a systemd-boot machine")
	fs.Func("accel", "auto, kvm or tcg (default auto, or DISCO_ACCEL): auto uses KVM if a probe guest runs under it", func(s string) error {
		f.accel, f.accelFrom = s, "--accel"
		return nil
	})
	return &ffcli.Command{
		Name:       "test",
		ShortUsage: "disco test [flags] [[GROUP/]MACHINE...]",
		ShortHelp:  "boot built machines under qemu and wait for their expected console line",
		LongHelp: strings.TrimSpace(`
Boots each selected machine's build output under qemu, one machine after
another, and waits for a serial console line containing the text of its
test = expect(...) (or --expect), within its timeout (or --timeout). A
boot("systemd-boot") machine boots CACHE/GROUP/NAME/disk.raw under OVMF
(UEFI); a boot("appliance") machine boots CACHE/GROUP/NAME/appliance/
(vmlinuz, initrd.img, root.img as /dev/vda, cmdline). disco test does not
build: run disco build first. The images are never changed (qemu writes
to a temporary overlay). CPUs, memory and NIC come from hardware(); the
guest's network, if any, cannot leave the host.

The accelerator (--accel, or DISCO_ACCEL): auto (the default) first boots
a tiny probe guest under KVM with -cpu host (a fraction of a second); if
/dev/kvm does not open or the probe does not run to its end (qemu aborts,
KVM stops the guest, or it hangs for 3 s) the machines boot under tcg,
qemu's emulator with -cpu max, several times slower, and one INFO line
says why. kvm fails with that reason instead; tcg runs no probe. A guest
whose console stays empty for 60 s fails as hung ("the firmware may be
hung").

Prints one line per machine: ok or FAIL, the seconds from qemu's start to
the line (or to the failure), the accelerator, and the line or what went
wrong, followed on stderr by the last console lines. The whole console is
kept in CACHE/GROUP/NAME/test-console.log. Named machines (arguments or
--machine) must be testable; otherwise machines without a boot loader or
without an expect(...) are listed as skipped.

Exit codes: 0 every machine showed its line, 1 one did not (or a
configuration error), 2 usage error.

Examples:
  disco -C examples/boot test uefi
  disco -C examples/boot test --appliance uefi
  disco -C examples/boot test --accel tcg squash
  disco -C examples/boot-legacy test --group real -v
  disco -C examples/boot test boot/squash --expect 'login:' --timeout 300 --format json`),
		FlagSet: fs,
		Exec: func(ctx context.Context, args []string) error {
			names, err := interspersed(fs, args)
			if err != nil {
				return err
			}
			if err := f.checkFormat(); err != nil {
				return err
			}
			if err := f.checkAccel(); err != nil {
				return err
			}
			return e.runTest(ctx, f, names)
		},
	}
}

// interspersed returns the machine names among args, parsing the flags
// that follow them too ("disco test web -v").
func interspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var names []string
	for len(args) > 0 {
		switch a := args[0]; {
		case a == "--":
			return append(names, args[1:]...), nil
		case len(a) > 1 && a[0] == '-':
			if err := fs.Parse(args); err != nil {
				if errors.Is(err, flag.ErrHelp) {
					return nil, err
				}
				return nil, usageError{err}
			}
			rest := fs.Args()
			if n := len(args) - len(rest); n > 0 && args[n-1] == "--" {
				return append(names, rest...), nil
			}
			args = rest
		default:
			names, args = append(names, a), args[1:]
		}
	}
	return names, nil
}

// checkAccel settles the accelerator mode: --accel, else DISCO_ACCEL,
// else auto.
func (f *testFlags) checkAccel() error {
	if f.accelFrom == "" {
		f.accel, f.accelFrom = os.Getenv("DISCO_ACCEL"), "DISCO_ACCEL"
	}
	switch f.accel {
	case "":
		f.accel = vmtest.AccelAuto
	case vmtest.AccelAuto, vmtest.AccelKVM, vmtest.AccelTCG:
	default:
		return usagef("%s %q: want auto, kvm or tcg", f.accelFrom, f.accel)
	}
	return nil
}

// chooseAccel settles the accelerator for every boot of this run (see
// vmtest.ChooseAccel), saying at INFO level why KVM is not used when it
// was allowed. DISCO_KVM_DEVICE names another KVM device, for tests.
func (e *env) chooseAccel(ctx context.Context, f testFlags) (string, error) {
	a, err := vmtest.ChooseAccel(ctx, vmtest.AccelQuery{Mode: f.accel, KVMDevice: os.Getenv("DISCO_KVM_DEVICE")})
	if err != nil && f.accel == vmtest.AccelKVM {
		if f.accelFrom == "DISCO_ACCEL" {
			return "", fmt.Errorf("DISCO_ACCEL=kvm: %w", err)
		}
		return "", fmt.Errorf("--accel kvm: %w", err)
	}
	if err != nil {
		return "", err
	}
	if a.Why != "" {
		e.log.Info("KVM cannot run guests here; booting under tcg, qemu's emulator (several times slower)", "reason", a.Why)
	}
	e.log.Debug("accelerator", "accel", a.Name, "cpu", a.CPU, "probe", a.Probe.Round(time.Millisecond))
	return a.Name, nil
}

// parseSeconds reads "90" as seconds, or a Go duration such as "2m".
func parseSeconds(s string) (time.Duration, error) {
	d, err := time.ParseDuration(s)
	if n, nerr := strconv.ParseFloat(s, 64); nerr == nil {
		d, err = time.Duration(n*float64(time.Second)), nil
	}
	if err != nil || d <= 0 {
		return -1, fmt.Errorf("%q: want a positive number of seconds or a duration such as 3m", s)
	}
	return d, nil
}

// testCase is one machine to boot, or to skip and why.
type testCase struct {
	m       *plan.Machine
	opts    vmtest.Options
	cmdline string // the kernel command line, for a hint when nothing shows
	skip    string
}

func (e *env) runTest(ctx context.Context, f testFlags, names []string) error {
	p, err := e.loadPlan(ctx)
	if err != nil {
		return err
	}
	machines, named, err := selectForTest(p, f.selection, names)
	if err != nil {
		return err
	}
	root, cache, err := e.absDirs()
	if err != nil {
		return err
	}
	var cases []testCase
	var errs []error
	tested := 0
	for _, m := range machines {
		c, err := testCaseFor(m, cache, root, f)
		if err == nil {
			e.warnStale(m, cache)
		}
		var skip *skipError
		switch {
		case errors.As(err, &skip) && !named:
			c.skip = skip.Error()
		case err != nil:
			errs = append(errs, err)
			continue
		default:
			tested++
		}
		cases = append(cases, c)
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	if tested == 0 {
		return fmt.Errorf("no machine to test: none of %d selected has a boot loader and an expect(...)", len(machines))
	}
	accel, err := e.chooseAccel(ctx, f)
	if err != nil {
		return err
	}
	for i := range cases {
		cases[i].opts.Accel = accel
	}
	return e.runCases(ctx, f, cases, root)
}

// selectForTest selects machines like the other verbs (--machine,
// --group), and by arguments NAME or GROUP/NAME, in plan order; named says
// whether machines were named rather than taken as a group.
func selectForTest(p *plan.Plan, sel selection, names []string) ([]*plan.Machine, bool, error) {
	if sel.machine != "" {
		names = append([]string{sel.machine}, names...)
	}
	if len(names) == 0 {
		ms, err := loader.Select(p, "", sel.group)
		return ms, false, err
	}
	want := map[*plan.Machine]bool{}
	for _, n := range names {
		group, name := sel.group, n
		if g, nm, ok := strings.Cut(n, "/"); ok {
			if sel.group != "" && g != sel.group {
				return nil, true, usagef("machine %q is not in --group %q", n, sel.group)
			}
			group, name = g, nm
		}
		ms, err := loader.Select(p, name, group)
		if err != nil {
			return nil, true, err
		}
		for _, m := range ms {
			want[m] = true
		}
	}
	var out []*plan.Machine
	for _, m := range p.Machines {
		if want[m] {
			out = append(out, m)
		}
	}
	return out, true, nil
}

// skipError is why a machine cannot be tested that is skipped, rather
// than an error, when the machine was not named.
type skipError struct{ err *plan.Error }

func (s *skipError) Error() string { return s.err.Error() }

// testCaseFor checks that m can be tested and that its build outputs are
// there, and says how to boot it.
func testCaseFor(m *plan.Machine, cache, root string, f testFlags) (testCase, error) {
	c := testCase{m: m}
	switch {
	case m.Boot == nil:
		return c, &skipError{plan.Errorf(m.Pos, "machine %s has no boot(): disco test boots machines with boot(\"systemd-boot\") or boot(\"appliance\")", m.ID())}
	case m.Boot.Loader == "none":
		return c, &skipError{plan.Errorf(m.Boot.Pos, "machine %s has boot(\"none\"): there is nothing for disco test to boot", m.ID())}
	case m.Test == nil && f.expect == "":
		return c, &skipError{plan.Errorf(m.Pos, "machine %s has no test = expect(...) and no --expect was given", m.ID())}
	}
	o := vmtest.Options{Expect: f.expect, Timeout: f.timeout}
	if m.Test != nil {
		if o.Expect == "" {
			o.Expect = m.Test.Expect
		}
		if o.Timeout == 0 && m.Test.Timeout > 0 {
			o.Timeout = time.Duration(m.Test.Timeout) * time.Second
		}
	}
	if o.Timeout == 0 {
		o.Timeout = defaultTestSec * time.Second
	}
	if h := m.Hardware; h != nil {
		o.CPUs, o.MemoryMiB, o.NIC = h.CPUs, h.MemoryMiB, h.NIC
	}
	dir := stages.MachineDir(cache, m.Group, m.Name)
	o.ConsoleLog = filepath.Join(dir, testConsoleLog)
	var need []string
	loader := m.Boot.Loader
	if f.appliance {
		loader = "appliance"
	}
	switch loader {
	case "systemd-boot":
		o.Kind, o.Disk = vmtest.UEFI, filepath.Join(dir, testDisk)
		c.cmdline = m.Boot.Cmdline
		need = []string{o.Disk}
	case "appliance":
		a := filepath.Join(dir, stages.ApplianceDir)
		o.Kind = vmtest.Appliance
		o.Kernel, o.Initrd = filepath.Join(a, stages.ApplianceKernel), filepath.Join(a, stages.ApplianceInitrd)
		o.Root = filepath.Join(a, stages.ApplianceRoot)
		need = []string{o.Kernel, o.Initrd, o.Root, filepath.Join(a, stages.ApplianceCmdline)}
	default:
		return c, plan.Errorf(m.Boot.Pos, "machine %s: disco test cannot boot loader %q", m.ID(), m.Boot.Loader)
	}
	for _, p := range need {
		if _, err := os.Stat(p); err != nil {
			return c, fmt.Errorf("machine %s: %s is missing: run disco build first", m.ID(), rel(root, p))
		}
	}
	if o.Kind == vmtest.Appliance {
		b, err := os.ReadFile(need[3])
		if err != nil {
			return c, fmt.Errorf("machine %s: %w", m.ID(), err)
		}
		o.Cmdline = strings.TrimSpace(string(b))
		c.cmdline = o.Cmdline
	}
	c.opts = o
	return c, nil
}

// warnStale warns when the machine's plan changed since its outputs were
// built (the report records the plan digest): the old image is tested.
func (e *env) warnStale(m *plan.Machine, cache string) {
	b, err := os.ReadFile(filepath.Join(stages.MachineDir(cache, m.Group, m.Name), stages.ReportJSON))
	if err != nil {
		return
	}
	var built struct {
		PlanDigest string `json:"plan_digest"`
	}
	now, err := m.Digest()
	if json.Unmarshal(b, &built) != nil || err != nil || built.PlanDigest == "" || built.PlanDigest == now {
		return
	}
	e.log.Warn("the plan changed since disco build; testing the image built before", "machine", m.ID(),
		"built", built.PlanDigest, "now", now)
}

// testResult is one machine's line of --format json.
type testResult struct {
	Machine     string   `json:"machine"`
	OK          bool     `json:"ok"`
	Seconds     float64  `json:"seconds"`
	Accel       string   `json:"accel,omitempty"`
	Line        string   `json:"line,omitempty"`
	Error       string   `json:"error,omitempty"`
	ConsoleTail []string `json:"console_tail,omitempty"`
	ConsoleLog  string   `json:"console_log,omitempty"`
}

type testSkip struct {
	Machine string `json:"machine"`
	Reason  string `json:"reason"`
}

// runCases boots the machines one after another, printing a line for each
// as it finishes (text), or everything at the end (json).
func (e *env) runCases(ctx context.Context, f testFlags, cases []testCase, root string) error {
	width := 0
	for _, c := range cases {
		width = max(width, len(c.m.ID()))
	}
	var results []testResult
	var skips []testSkip
	failed := 0
	for _, c := range cases {
		id := c.m.ID()
		if c.skip != "" {
			skips = append(skips, testSkip{Machine: id, Reason: c.skip})
			if f.format == "text" {
				fmt.Fprintf(e.stdout, "%-*s  skip  %s\n", width, id, c.skip)
			}
			continue
		}
		e.log.Info("booting", "machine", id, "kind", c.opts.Kind, "expect", c.opts.Expect, "timeout", c.opts.Timeout)
		if f.console {
			c.opts.Console = e.stderr
			fmt.Fprintf(e.stderr, "--- %s: console ---\n", id)
		}
		res, err := vmtest.Run(ctx, c.opts)
		if ctx.Err() != nil {
			return err
		}
		r := testResult{Machine: id, OK: err == nil, ConsoleLog: rel(root, c.opts.ConsoleLog)}
		if res != nil {
			r.Seconds, r.Accel, r.Line = math.Round(res.Seconds*10)/10, res.Accel, res.Line
			e.log.Debug("qemu", "machine", id, "argv", strings.Join(res.Argv, " "))
		}
		if err != nil {
			failed++
			r.Error = err.Error()
			var be *vmtest.BootError
			if errors.As(err, &be) {
				r.Error, r.ConsoleTail = be.Reason, be.Tail
				if !strings.Contains(c.cmdline, "console=ttyS") {
					r.Error += " (the kernel command line has no console=ttyS0, so the kernel does not write to the serial console)"
				}
			}
		}
		results = append(results, r)
		if f.format == "text" {
			e.printTestResult(r, width)
		}
	}
	if f.format == "json" {
		if results == nil {
			results = []testResult{}
		}
		if skips == nil {
			skips = []testSkip{}
		}
		b, err := plan.Canonical(map[string]any{"machines": results, "skipped": skips})
		if err != nil {
			return err
		}
		if _, err := e.stdout.Write(b); err != nil {
			return err
		}
	}
	if failed > 0 {
		return fmt.Errorf("disco test: %d of %d machines did not show their line", failed, len(results))
	}
	return nil
}

func (e *env) printTestResult(r testResult, width int) {
	accel := ""
	if r.Accel != "" {
		accel = fmt.Sprintf("  %.1f s (%s)", r.Seconds, r.Accel)
	}
	if r.OK {
		fmt.Fprintf(e.stdout, "%-*s  ok%s  %q\n", width, r.Machine, accel, r.Line)
		return
	}
	fmt.Fprintf(e.stdout, "%-*s  FAIL%s  %s\n", width, r.Machine, accel, r.Error)
	if len(r.ConsoleTail) > 0 {
		fmt.Fprintf(e.stderr, "%s: last console lines (the whole console is in %s):\n  | %s\n", r.Machine, r.ConsoleLog,
			strings.Join(r.ConsoleTail, "\n  | "))
	}
}
