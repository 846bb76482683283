"""Turning reports and errors into what people read: rich on terminals, plain when piped."""
