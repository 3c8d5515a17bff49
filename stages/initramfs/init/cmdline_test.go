package discoinit

import (
	"strings"
	"testing"
	"time"
)

func TestParseCmdline(t *testing.T) {
	const u = "0fc63daf-8483-4772-8e79-3d69d8477de4"
	for _, tc := range []struct {
		line string
		want Config
		err  string
	}{
		{line: "console=ttyS0 root=PARTUUID=" + u + " panic=-1\n",
			want: Config{PartUUID: u, Init: "/init", RootWait: 30 * time.Second}},
		{line: "root=PARTUUID=" + strings.ToUpper(u) + " rootfstype=squashfs rw ro init=/sbin/init disco.debug disco.rootwait=2",
			want: Config{PartUUID: u, FSType: "squashfs", Init: "/sbin/init", Debug: true, RootWait: 2 * time.Second}},
		{line: "root=/dev/vda1 disco.rootwait=soon", err: "whole seconds"},
		{line: "root=/dev/vda2 ro rw", want: Config{RootDev: "/dev/vda2", ReadWrite: true, Init: "/init", RootWait: 30 * time.Second}},
		{line: "root=/dev/sda1 root=PARTUUID=" + u, want: Config{PartUUID: u, Init: "/init", RootWait: 30 * time.Second}},
		{line: `root=/dev/vda1 init="/usr/lib/sys tem" disco.debug=0`, want: Config{RootDev: "/dev/vda1", Init: "/usr/lib/sys tem", RootWait: 30 * time.Second}},
		{line: "root=/dev/vda1\tdisco.debug=1", want: Config{RootDev: "/dev/vda1", Init: "/init", Debug: true, RootWait: 30 * time.Second}},
		{line: "console=ttyS0", err: "no root="},
		{line: "root=UUID=" + u, err: "unsupported"},
		{line: "root=PARTUUID=1234", err: "not a GUID"},
		{line: "root=PARTUUID=" + u + "/PARTNROFF=1", err: "not a GUID"},
		{line: "root=/dev/vda1 init=sbin/init", err: "absolute"},
	} {
		got, err := ParseCmdline(tc.line)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("ParseCmdline(%q) error = %v, want one containing %q", tc.line, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseCmdline(%q): %v", tc.line, err)
		} else if got != tc.want {
			t.Errorf("ParseCmdline(%q) = %+v, want %+v", tc.line, got, tc.want)
		}
	}
}
