package ids

import (
	"math/rand/v2"
)

const (
	upperDigits = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	lowerHex    = "0123456789abcdef"
)

// TestReceipt is the receipt ClickBank puts on INS test pings.
const TestReceipt = "********"

// Receipt returns a new 8-character receipt of upper-case letters and digits.
func Receipt(r *rand.Rand) string {
	var b [8]byte
	for i := range b {
		b[i] = upperDigits[r.IntN(len(upperDigits))]
	}
	return string(b[:])
}

// ClickID returns a 24-character lowercase hex id, the shape of a RedTrack
// click id (ObjectId style).
func ClickID(r *rand.Rand) string {
	var b [24]byte
	for i := range b {
		b[i] = lowerHex[r.IntN(16)]
	}
	return string(b[:])
}

// UUID returns a version 4 UUID in its canonical lowercase form. ClickBank's
// event_id format is unknown; cbsim uses UUID v4 (a documented choice).
func UUID(r *rand.Rand) string {
	var u [16]byte
	for i := 0; i < 16; i += 8 {
		v := r.Uint64()
		for j := 0; j < 8; j++ {
			u[i+j] = byte(v >> (8 * j))
		}
	}
	u[6] = u[6]&0x0f | 0x40 // version 4
	u[8] = u[8]&0x3f | 0x80 // RFC 4122 variant
	var out [36]byte
	pos := 0
	for i, c := range u {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			out[pos] = '-'
			pos++
		}
		out[pos] = lowerHex[c>>4]
		out[pos+1] = lowerHex[c&0x0f]
		pos += 2
	}
	return string(out[:])
}
