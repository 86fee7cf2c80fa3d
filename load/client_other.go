//go:build !unix

package load

// canWriteWait: send writes through net.Conn only; writeWait is never
// called.
const canWriteWait = false

func (c *client) writeWait(fd uintptr) bool { return true }
