"""The gateway's pages, a router per part of the site."""
