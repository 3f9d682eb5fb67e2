"""The new files a driver gets: template variables and the Jinja environment."""
