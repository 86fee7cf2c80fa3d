package tracker

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"sync"
	"time"
)

// newClickID returns a click id: 24 lowercase hex characters, the form of
// RedTrack's click ids (a MongoDB ObjectId), holding 96 bits from
// crypto/rand. A click id is what a postback without a token needs to be
// credited, and one is handed to every buyer: it must not tell anything
// about the others. (An ObjectId's seconds, per-store bytes and counter
// made every later click id follow from one: issue 10.)
func newClickID() string {
	var b [12]byte
	rand.Read(b[:]) // never fails (crypto/rand.Read)
	return hex.EncodeToString(b[:])
}

// idGen makes the ids of conversions and campaigns: 24-character lowercase
// hex in the form of a MongoDB ObjectId: 4 bytes of Unix seconds, 5 random
// bytes fixed per store, 3 bytes of a counter. Ids made in the same second
// sort in creation order, so the store's id indexes grow at their end.
// They are not secrets (nothing is granted to whoever knows one); click
// ids, which are, come from newClickID.
type idGen struct {
	mu      sync.Mutex // guards counter
	random  [5]byte
	counter uint32
}

func newIDGen() *idGen {
	g := &idGen{}
	rand.Read(g.random[:])
	var c [4]byte
	rand.Read(c[:])
	g.counter = binary.BigEndian.Uint32(c[:]) & 0x7fffff
	return g
}

// next returns a new id stamped with now.
func (g *idGen) next(now time.Time) string {
	g.mu.Lock()
	g.counter = (g.counter + 1) & 0xffffff
	c := g.counter
	g.mu.Unlock()
	var b [12]byte
	binary.BigEndian.PutUint32(b[:4], uint32(now.Unix()))
	copy(b[4:9], g.random[:])
	b[9], b[10], b[11] = byte(c>>16), byte(c>>8), byte(c)
	return hex.EncodeToString(b[:])
}
