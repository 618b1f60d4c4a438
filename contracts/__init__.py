"""The public contract of innovnet: event models, the Kafka envelope and the topic registry.

Other ministries' systems read this package, its JSON Schemas (`schemas/`) and `asyncapi.yaml`;
it imports no service of innovnet.
"""
