-- INS (ClickBank's Instant Notifications, docs/clickbank.md §6) on
-- POST /ins. A SALE or BILL is a conversion of type INS:<transactionType>
-- whose dedup_key is "ins\n<receipt>\n<transactionType>\n<role>": a
-- notification delivered again (attemptCount up) finds it and records
-- nothing, and a refund or chargeback finds the conversion it reverses by it.
--
-- reversal is the transactionType that reversed the conversion (RFND,
-- CGBK, TEST_RFND), '' while none did; reversal_cents is that
-- notification's totalAccountAmount (negative, as ClickBank writes it) and
-- reversed_at when it came (unix nanoseconds, 0 while none).
ALTER TABLE conversions ADD COLUMN reversal TEXT NOT NULL DEFAULT '';
ALTER TABLE conversions ADD COLUMN reversal_cents INTEGER NOT NULL DEFAULT 0;
ALTER TABLE conversions ADD COLUMN reversed_at INTEGER NOT NULL DEFAULT 0;

-- path is the endpoint that refused: /postback (every rejection before
-- this migration) or /ins.
ALTER TABLE rejections ADD COLUMN path TEXT NOT NULL DEFAULT '/postback';
