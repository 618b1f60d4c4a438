"""Test support shared by every suite: the real servers of the stack and services as processes."""
