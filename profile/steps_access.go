package profile

// Accessors the harness's step library uses to drive a tracker and to
// describe it in its messages.

// Reads reports whether the tracker has a reader of conversions: an HTTP
// reporting endpoint or a SQL query.
func (t *Tracker) Reads() bool { return t.conv != nil }

// NotKept says when the tracker drops a click although it hands out a
// click id (click.not_kept), "" when the profile does not say.
func (t *Tracker) NotKept() string { return t.p.click.notKept }

// WireName returns the tracker's name for a postback parameter spelled
// RedTrack's way (clickid, sum, type, rdtk_event_id, txid, status,
// currency, ptoken), and false when the tracker has no such parameter; any
// other parameter keeps its name.
func (t *Tracker) WireName(name string) (string, bool) {
	wire, _ := t.wireOf(name)
	return wire, wire != ""
}

// Keeps reports whether the reader of conversions reads name back: a
// logical field it maps (FieldSum, FieldOrder, FieldTransactionID …), or a
// postback parameter kept under that name (read.*.params, or any name when
// read.*.http.params_from is set). False when there is no reader: what a
// tracker does not keep cannot be asserted, and the steps say so rather
// than report it lost.
func (t *Tracker) Keeps(name string) bool {
	s := t.convMap
	if s == nil {
		return false
	}
	switch name {
	case FieldClickID, FieldSum, FieldType, FieldStatus, FieldCurrency, FieldEventID, FieldTransactionID, FieldToken,
		FieldOrder, FieldDuplicateStatus, FieldTime:
		_, ok := s.fields[name]
		return ok
	}
	if _, ok := s.params[name]; ok {
		return true
	}
	return s.paramsFrom != ""
}
