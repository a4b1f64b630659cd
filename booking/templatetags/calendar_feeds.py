"""{% feed_links %}: subscribe links to a filtered feed, for venue, association and event pages."""

from django import template

from booking.calendar_views import feed_links

register = template.Library()


@register.inclusion_tag("booking/calendar/_feed_links.html", takes_context=True)
def feed_link(context, label: str, **filters):
    """`{% feed_link _("Subscribe to this house's events") venue=venue.id %}`"""
    request = context["request"]
    return {"label": label, **feed_links(request, sorted(filters.items()))}
