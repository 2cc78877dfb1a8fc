from django.http import Http404


def unit_list(request, **kwargs):
    raise Http404


def unit_detail(request, **kwargs):
    raise Http404


def profile(request, **kwargs):
    raise Http404


def token_create(request, **kwargs):
    raise Http404


def token_revoke(request, **kwargs):
    raise Http404


def region_options(request, **kwargs):
    raise Http404

