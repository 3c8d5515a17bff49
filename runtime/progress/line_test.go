package progress

import (
	"context"
	"strings"
	"testing"
)

func TestSendWithoutFunc(t *testing.T) {
	Send(context.Background(), Report{Stage: "disk"}) // must not panic
	var got []Report
	ctx := WithTask(With(context.Background(), func(r Report) { got = append(got, r) }), "prod/web")
	Send(ctx, Report{Stage: "install", Done: 1, Total: 3, Unit: "packages", Item: "bash"})
	if len(got) != 1 || got[0].Task != "prod/web" || got[0].String() != "prod/web install 1/3 packages bash" {
		t.Errorf("reports %+v", got)
	}
}

func TestLineTerminal(t *testing.T) {
	var b strings.Builder
	l := NewLine(&b, true, 80)
	l.Report(Report{Task: "fetch", Done: 1 << 20, Total: 3 << 20, Unit: "bytes", Item: "1/3 packages bash"})
	l.Report(Report{Task: "prod/web", Stage: "disk", Done: 5 << 20, Unit: "bytes", Item: "root"})
	l.Print("a message")
	l.Report(Report{Task: "fetch", End: true})
	l.Clear()
	out := b.String()
	for _, want := range []string{
		"\r\x1b[Kfetch 1.0/3.0 MiB 1/3 packages bash",
		"\r\x1b[Kfetch 1.0/3.0 MiB 1/3 packages bash | prod/web disk 5.0 MiB root",
		"\r\x1b[Ka message\n\r\x1b[Kfetch",
		"\r\x1b[Kprod/web disk 5.0 MiB root\r\x1b[K",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%q", want, out)
		}
	}
	for _, line := range strings.Split(strings.ReplaceAll(out, "\r\x1b[K", "\n"), "\n") {
		if len(line) > 80 {
			t.Errorf("line wider than 80: %q", line)
		}
	}
	b.Reset()
	l = NewLine(&b, true, 20)
	l.Report(Report{Task: "prod/web", Stage: "install", Done: 12, Total: 40, Unit: "packages", Item: "coreutils"})
	if got := b.String(); got != "\r\x1b[Kprod/web install ..." {
		t.Errorf("cut line %q", got)
	}
}

func TestLinePlain(t *testing.T) {
	var b strings.Builder
	l := NewLine(&b, false, 60)
	l.Report(Report{Task: "fetch", Done: 1, Total: 3, Unit: "packages"})
	l.Print("a message")
	l.Writer().Write([]byte("a log line\n"))
	l.Clear()
	if got := b.String(); got != "a message\na log line\n" {
		t.Errorf("plain output %q", got)
	}
}
