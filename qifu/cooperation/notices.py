"""The cooperation platform's notification messages, registered once with English msgids."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from qifu.core import notify

STRONG_MATCH = "cooperation.strong_match"
INTEREST = "cooperation.interest"
ACCEPTED = "cooperation.accepted"
DECLINED = "cooperation.declined"
BROKERED = "cooperation.brokered"

notify.register(STRONG_MATCH, _("A strong match for your listing “%(title)s”"),
                _("“%(other)s” from %(enterprise)s matches it (score %(score)s)."))
notify.register(INTEREST, _("%(enterprise)s is interested in your listing “%(title)s”"),
                _("Accept to exchange contacts, or decline."))
notify.register(ACCEPTED, _("Contacts exchanged for “%(title)s”"),
                _("%(enterprise)s accepted; you can now see each other's contact."))
notify.register(DECLINED, _("%(enterprise)s declined the contact for “%(title)s”"), "")
notify.register(BROKERED, _("A commissioner suggests a partner for “%(title)s”"),
                _("“%(other)s” from %(enterprise)s."))
