// Package ins seals and opens the envelope of ClickBank's Instant
// Notification Service (INS 6.0, 7.0 and 8.0): the encrypted body ClickBank
// POSTs to a vendor's or affiliate's notification URL. The facts it relies
// on are in docs/clickbank.md §6.
//
// The envelope is a JSON object of two base64 strings, the ciphertext and
// the IV, keys in this order:
//
//	{"notification":"<base64 ciphertext>","iv":"<base64 IV>"}
//
// The ciphertext is the notification's JSON encrypted with AES-256-CBC. The
// key is the first 32 characters of the lowercase hex SHA-1 of the
// account's secret key, used as 32 ASCII bytes ([Key]). The IV is 16 bytes
// which, as ClickBank writes them, are 16 upper-case hex characters.
// Versions 7.0 and 8.0 pad with PKCS#7; old 6.0 senders padded with zeros.
// There is no signature: opening with the shared secret is the only
// authentication.
//
// [Encode] writes the envelope byte for byte as ClickBank posts it, with
// the IV drawn from the caller's randomness so that a seeded run is
// reproducible. Its [Options] can also produce, on purpose, the faulty
// envelopes some receivers expect: [AES128CBC] (the key's first 16
// characters, a bug seen in a widely used self-hosted tracker) and zero
// padding where PKCS#7 belongs. [Decode] opens an envelope and returns the
// plaintext exactly as decrypted, accepting both paddings; [Open] also says
// what it found. Every failure is an [*Error] whose kind errors.Is tells
// (ErrTruncated, ErrBase64, ErrWrongSecret, …) and whose message says what
// is wrong and in which field; bytes that do not decrypt to a JSON object
// are never returned.
//
// One concept per file:
//
//	cipher.go  ciphers, the key derivation, paddings
//	encode.go  Encode and its Options, versions, the secret key's rules
//	decode.go  Decode and Open, reading and checking the envelope
//	errors.go  Error and the kinds of failure
//
// The package is a pure leaf: standard library only, no I/O, no clock, no
// randomness of its own, no package-level mutable state. The notification
// payloads, their delivery and the CLI are built on it elsewhere.
package ins
