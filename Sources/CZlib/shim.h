#ifndef MQTT_DUMPER_CZLIB_SHIM_H
#define MQTT_DUMPER_CZLIB_SHIM_H
#include <zlib.h>

// deflateInit2 and inflateInit2 are macros, which Swift cannot call.
static inline int mqttdumper_deflate_init_gzip(z_stream *stream, int level) {
  // windowBits 15 + 16: write a gzip header and trailer.
  return deflateInit2(stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
}

static inline int mqttdumper_inflate_init_gzip(z_stream *stream) {
  return inflateInit2(stream, 15 + 16);
}
#endif
