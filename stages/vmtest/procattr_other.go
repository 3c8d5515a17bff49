//go:build !linux

package vmtest

import "syscall"

func sysProcAttr() *syscall.SysProcAttr { return nil }
