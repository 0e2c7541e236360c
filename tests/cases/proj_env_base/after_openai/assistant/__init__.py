"""Ask the hosted model questions."""
