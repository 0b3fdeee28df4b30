#ifndef MQTT_DUMPER_CLIBDEFLATE_SHIM_H
#define MQTT_DUMPER_CLIBDEFLATE_SHIM_H
#include <libdeflate.h>
#endif
