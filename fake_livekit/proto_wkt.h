/* proto_wkt.h: what both LiveKit codecs (proto_json.h, proto_pb.h) share: the well-known types
 * google.protobuf.Duration and Timestamp, and proto3's rule that strings are UTF-8.
 *
 * The sparse form (proto_json.h) keeps a Duration or Timestamp as the text protojson writes
 * ("1.500s", "2024-05-01T10:00:00.250Z"); the binary codec reads and writes (seconds, nanos).
 * Both go through these functions, so a value reads the same whichever encoding brought it.
 * Ranges are protojson's: a Duration within ±315,576,000,000 s with nanos of the same sign, a
 * Timestamp from 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999999Z. */
#ifndef LK_PROTO_WKT_H
#define LK_PROTO_WKT_H

#include <stdbool.h>
#include <stddef.h>

#include "fakekit/err.h"

/* Longest text either format writes, with its NUL. */
#define LK_WKT_TEXT_MAX 40

/* Parse protojson Duration text ("30s", "-1.5s"); 0 or FK_EINVAL. */
int lk_duration_parse(const char *s, long long *seconds, int *nanos) FK_MUST_CHECK;
/* Format as protojson does: 0, 3, 6 or 9 fractional digits ("1.500s"). out >= 32 bytes. */
void lk_duration_format(long long seconds, int nanos, char *out, size_t outlen);
/* Whether (seconds, nanos) is a Duration protojson can write. */
bool lk_duration_ok(long long seconds, long long nanos);

/* Parse RFC 3339 as protojson does ('T', optional fraction of up to 9 digits, "Z" or an
 * offset such as "+02:00") into UTC seconds since the epoch and nanos; 0 or FK_EINVAL. */
int lk_timestamp_parse(const char *s, long long *seconds, int *nanos) FK_MUST_CHECK;
/* Format as protojson does: UTC, "Z", 0, 3, 6 or 9 fractional digits. out >= 32 bytes. */
void lk_timestamp_format(long long seconds, int nanos, char *out, size_t outlen);
/* Whether (seconds, nanos) is a Timestamp protojson can write. */
bool lk_timestamp_ok(long long seconds, long long nanos);

/* Go's utf8.Valid: no overlong forms, no surrogates, nothing above U+10FFFF. */
bool lk_utf8_valid(const char *s, size_t len);

#endif
