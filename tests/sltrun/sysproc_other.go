//go:build !linux

package sltrun

import "syscall"

func sysProcAttr() *syscall.SysProcAttr { return nil }
