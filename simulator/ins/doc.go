// Package ins builds the payloads and seals and opens the envelope of ClickBank's Instant
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
// # Payloads
//
// A [Notification] is the decrypted JSON: every field of ClickBank's 6.0,
// 7.0 and 8.0 payloads in ClickBank's key order (docs/clickbank.md §6,
// §6.2). [Notification.Marshal] prints it as ClickBank does (keys in order,
// amounts as numbers with two decimals, the version as 7.0, each version's
// time layout, empty fields omitted, never null), which encoding/json
// cannot. [Parse] reads such bytes back, for cbsim's own tests and CLI; the
// reference tracker keeps its own reader.
//
// [Build] makes the notifications of one [Order] (plain values a delivery
// step fills from a simulator Event): the vendor's and, for a referred
// order and a non-test type, the affiliate's, each with its share of the
// split the postbacks use ([money.Sale]). Time comes in with the Order and
// is printed in US Pacific time ([Pacific]); nothing is drawn at random.
//
// One concept per file:
//
//	cipher.go   ciphers, the key derivation, paddings
//	encode.go   Encode and its Options, versions, the secret key's rules
//	decode.go   Decode and Open, reading and checking the envelope
//	errors.go   Error and the kinds of failure
//	payload.go  Notification and its parts, transaction types, roles
//	marshal.go  Marshal: ClickBank's bytes, per version
//	parse.go    Parse: the bytes back into a Notification
//	build.go    Order, Build: notifications from the simulator's facts
//	pacific.go  Pacific: US Pacific time without a zone database
//
// The package is a pure leaf: the standard library and the simulator's
// money and ids packages only, no I/O, no clock, no randomness of its own,
// no package-level mutable state. Delivery and the CLI are built on it
// elsewhere.
package ins
