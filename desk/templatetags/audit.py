from django import template

from desk.audit_labels import action_label

register = template.Library()

register.filter("action_label", action_label)
