@_exported import MQTTCapture
