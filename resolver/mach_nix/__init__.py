"""mach-nix: requirements.txt -> a pinned resolution that Nix builds."""

__all__ = ["__version__"]
__version__ = "4.0.0.dev0"
