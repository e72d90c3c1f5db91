"""The animatic renderer: stills or generated story cards animated with real camera moves, on the CPU."""
