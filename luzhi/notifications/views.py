"""Pages of notifications: one's inbox and settings; the office's group channels and delivery records."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from luzhi.accounts.requests import AuthedHttpRequest
from luzhi.core.errors import WorkflowError
from luzhi.core.pages import add_service_errors, paginate, posted, rule_required
from luzhi.core.scoping import access_by_id
from luzhi.notifications import permissions, selectors, services
from luzhi.notifications.forms import GroupChannelForm, NotificationSettingsForm
from luzhi.notifications.models import Delivery, GroupChannel


@rule_required(permissions.INBOX)
def inbox_page(request: HttpRequest) -> HttpResponse:
    """The caller's own messages, newest first (?read=false: unread only)."""
    unread_only = request.GET.get("read") == "false"
    qs = selectors.inbox(viewer=request.user, read=False if unread_only else None)
    return render(
        request,
        "notifications/inbox.html",
        {"page": paginate(request, qs), "unread": services.unread_count(request.user), "unread_only": unread_only},
    )


@require_POST
@rule_required(permissions.INBOX, "write")
def inbox_read_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one of the caller's messages read (and follow its link when asked)."""
    notification = services.notification_read(user=request.user, notification_id=pk)
    if notification is None:
        raise Http404
    link = notification.link
    if request.POST.get("next") and link.startswith("/") and not link.startswith("//"):
        return redirect(link)
    return redirect("notifications:inbox")


@require_POST
@rule_required(permissions.INBOX, "write")
def inbox_read_all_page(request: HttpRequest) -> HttpResponse:
    """Mark every message of the caller read."""
    services.notifications_read_all(user=request.user)
    return redirect("notifications:inbox")


@rule_required(permissions.SETTINGS)
def settings_page(request: HttpRequest) -> HttpResponse:
    """The caller's own channels and digest choice."""
    form = NotificationSettingsForm(posted(request), instance=services.settings_of(request.user))
    if request.method == "POST" and form.is_valid():
        services.notification_settings_update(user=request.user, data=form.cleaned_data)
        messages.success(request, "通知设置已保存。")
        return redirect("notifications:settings")
    return render(request, "notifications/settings.html", {"form": form})


@rule_required(permissions.CHANNELS)
def channels_page(request: AuthedHttpRequest) -> HttpResponse:
    """The committee's group channels and a form to add one."""
    form = GroupChannelForm(posted(request))
    if request.method == "POST":
        if not request.user.committee_id:
            raise Http404
        if form.is_valid():
            try:
                services.group_channel_create(
                    actor=request.user, committee=request.user.committee, data=_channel_data(form)
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "群聊渠道已添加。")
                return redirect("notifications:channels")
    channels = selectors.channel_list(viewer=request.user)
    return render(request, "notifications/channels.html", {"channels": channels, "form": form})


def _channel_data(form: GroupChannelForm, keep_secret: bool = False) -> dict:
    data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
    if keep_secret and not data.get("secret"):
        data.pop("secret", None)
    return data


@rule_required(permissions.CHANNELS, "write")
def channel_edit_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Change one of the committee's group channels (or delete it)."""
    channel = access_by_id(request.user, GroupChannel, pk)
    if request.method == "POST" and request.POST.get("delete"):
        services.group_channel_delete(actor=request.user, channel=channel)
        messages.success(request, "群聊渠道已删除。")
        return redirect("notifications:channels")
    form = GroupChannelForm(posted(request), instance=channel, initial={"secret": ""})
    if request.method == "POST" and form.is_valid():
        try:
            services.group_channel_update(actor=request.user, channel=channel, data=_channel_data(form, True))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "群聊渠道已保存。")
            return redirect("notifications:channels")
    return render(request, "notifications/channel_form.html", {"form": form, "channel": channel})


@rule_required(permissions.DELIVERIES)
def deliveries_page(request: HttpRequest) -> HttpResponse:
    """The committee's delivery records, newest first; filter by status and channel."""
    status = request.GET.get("status", "")
    channel = request.GET.get("channel", "")
    status = status if status in Delivery.Status.values else ""
    channel = channel if channel in Delivery.Channel.values else ""
    qs = selectors.delivery_list(viewer=request.user, status=status, channel=channel)
    return render(
        request,
        "notifications/deliveries.html",
        {
            "page": paginate(request, qs),
            "status": status,
            "channel": channel,
            "statuses": Delivery.Status.choices,
            "channels": Delivery.Channel.choices,
        },
    )


@require_POST
@rule_required(permissions.DELIVERIES, "write")
def delivery_retry_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Send a failed delivery again."""
    delivery = access_by_id(request.user, Delivery, pk)
    try:
        services.delivery_retry(delivery=delivery)
    except WorkflowError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已重新排队发送。")
    return redirect("notifications:deliveries")
