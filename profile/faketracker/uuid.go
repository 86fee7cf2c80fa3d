package faketracker

import (
	"encoding/hex"
	"fmt"
	"io"
)

// uuidV4 builds a click id the way Orbitra's generateUuid() does
// (index.php, commit a7d89eb94c6e9f5529d81aaf50f708503b51b83a): 16 random
// bytes, the version nibble set to 4 and the variant bits to 10, printed
// as lower-case hex in 8-4-4-4-12 groups.
func uuidV4(rnd io.Reader) (string, error) {
	var b [16]byte
	if _, err := io.ReadFull(rnd, b[:]); err != nil {
		return "", fmt.Errorf("read 16 random bytes for a click id: %w", err)
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32], nil
}

// randIntn returns a number in [0, n) read from rnd, for the few places a
// tracker draws a random number (Prosper202's [[random]] token and
// click_id_public digits). It is not uniform to the last bit, which no
// caller needs.
func randIntn(rnd io.Reader, n int64) (int64, error) {
	var b [8]byte
	if _, err := io.ReadFull(rnd, b[:]); err != nil {
		return 0, fmt.Errorf("read random bytes: %w", err)
	}
	var v uint64
	for _, c := range b {
		v = v<<8 | uint64(c)
	}
	return int64(v % uint64(n)), nil
}
