package storefront

// bounded is a map that keeps its latest cap entries: adding one more
// forgets the oldest (first added). Entries are never removed otherwise,
// so the queue of keys and the map stay in step. Callers lock.
type bounded[V any] struct {
	cap   int
	m     map[string]V
	queue []string // keys, oldest first from head
	head  int
}

func newBounded[V any](cap int) *bounded[V] {
	return &bounded[V]{cap: cap, m: map[string]V{}}
}

// get returns the entry of key.
func (b *bounded[V]) get(key string) (V, bool) {
	v, ok := b.m[key]
	return v, ok
}

// put adds or replaces the entry of key; a new key may evict the oldest.
func (b *bounded[V]) put(key string, v V) {
	if _, ok := b.m[key]; ok {
		b.m[key] = v
		return
	}
	b.m[key] = v
	b.queue = append(b.queue, key)
	for len(b.m) > b.cap {
		delete(b.m, b.queue[b.head])
		b.queue[b.head] = ""
		b.head++
	}
	if b.head > 64 && b.head*2 > len(b.queue) {
		b.queue = append([]string(nil), b.queue[b.head:]...)
		b.head = 0
	}
}

// len returns how many entries are kept.
func (b *bounded[V]) len() int { return len(b.m) }
