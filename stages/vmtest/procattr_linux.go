package vmtest

import "syscall"

// sysProcAttr makes the kernel kill qemu if disco dies without doing so.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
