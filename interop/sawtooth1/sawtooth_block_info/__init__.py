"""SmartBlocks' BlockInfo batch injector for the Sawtooth 1.0 validator (a plugin on its path)."""
