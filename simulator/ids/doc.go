// Package ids generates and validates ClickBank-shaped identifiers: receipts,
// event ids, tracker click ids, and the TID / vtid / nickname / item rules of
// docs/clickbank.md §2. It is a pure leaf: randomness comes in as a *rand.Rand so
// that a seeded run is reproducible byte for byte.
package ids
