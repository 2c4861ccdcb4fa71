// Package codec turns datums into bytes for storage: memcomparable keys, whose byte order is the
// datums' order, and compact schema-driven row values.
//
// Key encoding (ascending; a descending column is the same bytes, each inverted, so NULL comes first):
//
//	NULL                 0x02
//	value                0x01 then the type's body:
//	bool                 0x00 | 0x01
//	smallint/int/bigint  2/4/8 bytes big-endian, sign bit flipped
//	oid, regclass, ...   4 bytes big-endian (unsigned)
//	real / double        4/8 bytes: IEEE bits with the sign bit flipped for positives and all bits
//	                     flipped for negatives; -0 is encoded as 0 and every NaN as one NaN, above +Inf
//	numeric              see numeric.go
//	date                 4 bytes, sign flipped (±infinity are the int32 extremes)
//	time, timestamp(tz)  8 bytes, sign flipped
//	interval             16 bytes: the 128-bit length in microseconds (a month as 30 days), sign flipped
//	text types, bytea    bytes with 0x00 escaped as 0x00 0xFF, terminated by 0x00 0x01
//	jsonb                its canonical text as a string: deterministic, but NOT jsonb's sort order
//	arrays               per element 0x01 + body or 0x02 for NULL, then 0x00
//
// Equal datums encode to equal keys, so a key cannot hold what Equal ignores: DecodeKey returns a
// datum Equal to the one encoded, but numeric loses trailing fractional zeros (1.50 -> 1.5), floats
// lose the sign of zero, and intervals come back as days and microseconds ('1 mon' -> '30 days').
// Keep the exact value in the row value when it matters.
package codec
