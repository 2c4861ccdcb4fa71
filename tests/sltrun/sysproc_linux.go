package sltrun

import "syscall"

// sysProcAttr makes the server die with the test process, so an interrupted `go test` leaves no
// server holding ports and temp directories.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
