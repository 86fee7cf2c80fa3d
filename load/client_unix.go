//go:build unix

package load

import (
	"os"
	"syscall"
)

// canWriteWait: send may write through the descriptor (writeWait).
const canWriteWait = true

// writeWait is send's RawConn.Read callback: its first call writes the
// request and asks to wait for readability (false); the next says the
// socket is readable (true). A short write or an error ends the wait at
// once.
func (c *client) writeWait(fd uintptr) bool {
	if c.rawN >= 0 {
		return true // woken: the reply (or an error, or EOF) is there
	}
	n, err := syscall.Write(int(fd), c.rawReq)
	for err == syscall.EINTR {
		n, err = syscall.Write(int(fd), c.rawReq)
	}
	if err == syscall.EAGAIN {
		n, err = 0, nil
	}
	if err != nil {
		c.rawN, c.rawErr = 0, os.NewSyscallError("write", err)
		return true
	}
	c.rawN = n
	return n < len(c.rawReq)
}
