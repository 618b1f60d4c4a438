"""What every innovnet service runs on: settings, event store, relay, consumers, HTTP app."""
