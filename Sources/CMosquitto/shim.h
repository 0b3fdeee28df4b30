#ifndef MQTT_DUMPER_CMOSQUITTO_SHIM_H
#define MQTT_DUMPER_CMOSQUITTO_SHIM_H
#include <mosquitto.h>
#include <mqtt_protocol.h>
#include <sys/ioctl.h>

// ioctl is variadic, which Swift cannot call: bytes waiting in the socket's receive queue, or -1.
static inline int mqttdumper_bytes_available(int fd) {
  int n = 0;
  if (ioctl(fd, FIONREAD, &n) != 0) return -1;
  return n;
}
#endif
