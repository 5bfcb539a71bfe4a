#Requires -Version 5.1
<#
.SYNOPSIS
    Collects the configuration of a Hyper-V host, or of a whole failover cluster, for the Hyper-V Backup Advisor.

.DESCRIPTION
    Reads configuration only, and changes nothing: the script calls Get-* cmdlets (and Get-CimInstance for
    the guest names Hyper-V reads through Data Exchange), never a Set-, New-, Remove-, Start- or Stop- cmdlet,
    and writes one file, -OutputPath. It runs in Windows PowerShell 5.1 and PowerShell 7 and needs no module
    beyond those Windows and the backup products install.

    The output is the advisor's collector format: one JSON document that follows
    advisor/importers/schema/inventory-1.schema.json. Every object is an explicit projection of a cmdlet's
    object (the cmdlet's own property names), enums as their names, dates in ISO 8601 UTC; whatever the script
    could not read is listed in "warnings" with the reason, and also shown as a PowerShell warning.

    Rights: the Hyper-V cmdlets need membership in Administrators or Hyper-V Administrators; the cluster
    cmdlets, the guest names (root\virtualization\v2) and Get-VHD of other nodes need local admin on each
    node; Windows Server Backup needs Administrators or Backup Operators. What is refused is a warning, not
    a failure. See docs/import.md.

    Notes on what was checked: cmdlet names and parameters were checked against the Microsoft Learn and Veeam
    Help Center references. Property names of the objects are the ones the documentation or the design notes
    (inventory-formats.md) give; where they are not documented the line says "[U]" (unverified).

.PARAMETER OutputPath
    The JSON file to write (UTF-8 without byte-order mark). Default: hv-inventory-<computer>.json in the
    current directory.

.PARAMETER Cluster
    Collect the whole cluster this node belongs to (every node that is Up). Without -Cluster or -HostOnly the
    script collects the cluster when the node belongs to one, else the host.

.PARAMETER HostOnly
    Collect this host only, even when it is a cluster node.

.PARAMETER IncludeBackupProducts
    Also read Veeam Backup & Replication, Windows Server Backup and System Center DPM where their PowerShell
    module is installed on this computer (run it on the backup server for Veeam and DPM; on a computer without
    Hyper-V only the backup products are collected).

.EXAMPLE
    powershell -ExecutionPolicy Bypass -File .\Collect-HvInventory.ps1 -OutputPath C:\Temp\hv01.json
#>
[CmdletBinding()]
param(
    [string]$OutputPath = ('hv-inventory-{0}.json' -f $env:COMPUTERNAME),
    [switch]$Cluster,
    [switch]$HostOnly,
    [switch]$IncludeBackupProducts
)

$ErrorActionPreference = 'Stop'
$SchemaVersion = 1
$CollectorVersion = '1.0.0'
$Warnings = [System.Collections.Generic.List[object]]::new()
$ZeroGuid = '00000000-0000-0000-0000-000000000000'
$IntegrationServiceId = '\\[0-9A-Fa-f-]{36}$'  # Id = Microsoft:<VMId>\<component GUID>; the schema requires it

# ------------------------------------------------------------------ conversions (explicit, never implicit)

function Write-CollectorWarning([string]$Section, [string]$Message) {
    # What could not be read goes into the document (the advisor reports it) and onto the console.
    $Warnings.Add([pscustomobject]@{ # schema: warning
        section = $Section
        message = $Message
    })
    Write-Warning ('{0}: {1}' -f $Section, $Message)
}

function ConvertTo-Text($Value) {
    # A string, or $null for a missing or empty value (an empty string is not a name).
    if ($null -eq $Value) { return $null }
    $text = "$Value".Trim()
    if ($text -eq '') { return $null }
    return $text
}

function ConvertTo-EnumName($Value, [string]$What) {
    # An enum's name ("$($x.State)" gives the name); a bare number means the module did not know the name.
    $text = ConvertTo-Text $Value
    if ($null -eq $text) { return $null }
    if ($text -match '^-?\d+$') {
        Write-CollectorWarning 'enum' ('{0} is the number {1}, which this PowerShell module has no name for; written as Unknown' -f $What, $text)
        return 'Unknown'
    }
    return $text
}

function ConvertTo-UtcText($Value) {
    # ISO 8601 in UTC ('o' = round trip); $null and 0001-01-01 (never run, or DPM not ready yet) are unknown.
    if ($null -eq $Value) { return $null }
    $date = [datetime]$Value
    if ($date.Year -le 1) { return $null }
    return $date.ToUniversalTime().ToString('o', [Globalization.CultureInfo]::InvariantCulture)
}

function ConvertTo-Integer($Value) {
    if ($null -eq $Value -or "$Value" -eq '') { return $null }
    return [int64]$Value
}

function ConvertTo-Boolean($Value) {
    if ($null -eq $Value) { return $null }
    return [bool]$Value
}

function ConvertTo-Compact($Value) {
    # Drops the properties whose value is $null, in every projection of the document: the schema types most of
    # them without null, and an absent property means "not known". Works on the in-memory objects only.
    if ($Value -is [System.Management.Automation.PSCustomObject]) {
        foreach ($property in @($Value.PSObject.Properties)) {
            if ($null -eq $property.Value) { $Value.PSObject.Properties.Remove($property.Name) }
            else { ConvertTo-Compact $property.Value }
        }
    }
    elseif ($Value -is [System.Array]) {
        foreach ($item in $Value) { ConvertTo-Compact $item }
    }
}

function Get-NodeArgument([string]$Node) {
    # -ComputerName for another node; nothing for this computer (CIM to "localhost" would need WinRM).
    if (-not $Node -or $Node -eq $env:COMPUTERNAME) { return @{} }
    return @{ ComputerName = $Node }
}

# ------------------------------------------------------------------ the estate

$Hosts = [System.Collections.Generic.List[object]]::new()
$ClusterNodes = [System.Collections.Generic.List[object]]::new()
$ClusterVolumes = [System.Collections.Generic.List[object]]::new()
$Vms = [System.Collections.Generic.List[object]]::new()
$Drives = [System.Collections.Generic.List[object]]::new()
$Vhds = [System.Collections.Generic.List[object]]::new()
$Snapshots = [System.Collections.Generic.List[object]]::new()
$Replications = [System.Collections.Generic.List[object]]::new()
$Services = [System.Collections.Generic.List[object]]::new()
$FibreChannel = [System.Collections.Generic.List[object]]::new()
$VhdPaths = @{}

$principal = [Security.Principal.WindowsPrincipal]::new([Security.Principal.WindowsIdentity]::GetCurrent())
if (-not $principal.IsInRole([Security.Principal.WindowsBuiltInRole]::Administrator)) {
    Write-CollectorWarning 'rights' ('not running elevated: Hyper-V Administrators can read VMs, but guest names, ' +
        'Get-VHD of other nodes, the cluster and Windows Server Backup may be refused (each refusal is listed)')
}

function Get-GuestNames([string]$Node) {
    # VM id -> @{ FullyQualifiedDomainName; OSName } from the Data Exchange (KVP) items of running VMs.
    # SystemName of Msvm_KvpExchangeComponent is the VM's id, and the items are XML instances [U: widely used].
    $names = @{}
    try {
        $nodeArgs = Get-NodeArgument $Node
        $components = Get-CimInstance -Namespace 'root\virtualization\v2' -ClassName 'Msvm_KvpExchangeComponent' @nodeArgs
        foreach ($component in $components) {
            $items = @{}
            foreach ($item in @($component.GuestIntrinsicExchangeItems)) {
                if (-not $item) { continue }
                $xml = [xml]$item
                $name = ($xml.INSTANCE.PROPERTY | Where-Object { $_.NAME -eq 'Name' }).VALUE
                $data = ($xml.INSTANCE.PROPERTY | Where-Object { $_.NAME -eq 'Data' }).VALUE
                if ($name) { $items[$name] = $data }
            }
            $names["$($component.SystemName)".ToLowerInvariant()] = $items
        }
    }
    catch { Write-CollectorWarning 'vms' ('guest DNS and OS names of the VMs on {0} not read: {1}' -f $Node, $_.Exception.Message) }
    return $names
}

function Add-VirtualMachine($Vm, [string]$Node, $GuestNames) {
    $vmId = "$($Vm.VMId)"
    $guest = $GuestNames[$vmId.ToLowerInvariant()]
    if ($null -eq $guest) { $guest = @{} }
    $computer = ConvertTo-Text $Vm.ComputerName
    if ($null -eq $computer) { $computer = $Node }
    $Vms.Add([pscustomobject]@{ # schema: vm
        VMId = $vmId
        Name = ConvertTo-Text $Vm.Name
        ComputerName = $computer
        State = ConvertTo-EnumName $Vm.State ('State of VM {0}' -f $Vm.Name)
        Generation = ConvertTo-Integer $Vm.Generation
        ProcessorCount = ConvertTo-Integer $Vm.ProcessorCount
        MemoryStartup = ConvertTo-Integer $Vm.MemoryStartup
        MemoryMaximum = ConvertTo-Integer $Vm.MemoryMaximum
        DynamicMemoryEnabled = ConvertTo-Boolean $Vm.DynamicMemoryEnabled
        ReplicationMode = ConvertTo-EnumName $Vm.ReplicationMode ('ReplicationMode of VM {0}' -f $Vm.Name)
        CheckpointType = ConvertTo-EnumName $Vm.CheckpointType ('CheckpointType of VM {0}' -f $Vm.Name)
        IsClustered = ConvertTo-Boolean $Vm.IsClustered
        Path = ConvertTo-Text $Vm.Path
        ConfigurationLocation = ConvertTo-Text $Vm.ConfigurationLocation
        DnsName = ConvertTo-Text $guest['FullyQualifiedDomainName']
        GuestOSName = ConvertTo-Text $guest['OSName']
    })

    try {
        foreach ($drive in @(Get-VMHardDiskDrive -VM $Vm)) {
            $Drives.Add([pscustomobject]@{ # schema: hardDiskDrive
                VMId = $vmId
                VMName = ConvertTo-Text $Vm.Name
                ComputerName = $computer
                ControllerType = ConvertTo-EnumName $drive.ControllerType ('ControllerType of a disk of VM {0}' -f $Vm.Name)
                ControllerNumber = ConvertTo-Integer $drive.ControllerNumber
                ControllerLocation = ConvertTo-Integer $drive.ControllerLocation
                Path = ConvertTo-Text $drive.Path
                DiskNumber = ConvertTo-Integer $drive.DiskNumber  # set only for a pass-through disk
                VMSnapshotId = ConvertTo-Text $drive.VMSnapshotId
            })
            $path = ConvertTo-Text $drive.Path
            if ($null -eq $drive.DiskNumber -and $path -and -not $VhdPaths.ContainsKey($path.ToLowerInvariant())) {
                $VhdPaths[$path.ToLowerInvariant()] = $true
                Add-VirtualHardDisk $path $Node $Vm.Name
            }
        }
    }
    catch { Write-CollectorWarning 'hardDiskDrives' ('disks of VM {0} on {1} not read: {2}' -f $Vm.Name, $Node, $_.Exception.Message) }

    try {
        foreach ($snapshot in @(Get-VMSnapshot -VM $Vm)) {
            $Snapshots.Add([pscustomobject]@{ # schema: snapshot
                Id = "$($snapshot.Id)"
                Name = ConvertTo-Text $snapshot.Name
                VMId = $vmId
                VMName = ConvertTo-Text $Vm.Name
                ComputerName = $computer
                SnapshotType = ConvertTo-EnumName $snapshot.SnapshotType ('SnapshotType of checkpoint {0}' -f $snapshot.Name)
                State = ConvertTo-EnumName $snapshot.State ('State of checkpoint {0}' -f $snapshot.Name)
                CreationTime = ConvertTo-UtcText $snapshot.CreationTime
            })
        }
    }
    catch { Write-CollectorWarning 'snapshots' ('checkpoints of VM {0} on {1} not read: {2}' -f $Vm.Name, $Node, $_.Exception.Message) }

    try {
        foreach ($service in @(Get-VMIntegrationService -VM $Vm)) {
            # Identified by the GUID at the end of Id; Name is localized ("Takt" is Heartbeat in German).
            $id = ConvertTo-Text $service.Id
            if ($null -eq $id -or $id -notmatch $IntegrationServiceId) {
                Write-CollectorWarning 'integrationServices' ('integration service {0} of VM {1} has no component id ({2}); left out' -f $service.Name, $Vm.Name, $id)
                continue
            }
            $Services.Add([pscustomobject]@{ # schema: integrationService
                Id = $id
                Name = ConvertTo-Text $service.Name
                VMId = $vmId
                ComputerName = $computer
                Enabled = [bool]$service.Enabled
            })
        }
    }
    catch { Write-CollectorWarning 'integrationServices' ('integration services of VM {0} on {1} not read: {2}' -f $Vm.Name, $Node, $_.Exception.Message) }

    try {
        foreach ($hba in @(Get-VMFibreChannelHba -VM $Vm)) {
            $FibreChannel.Add([pscustomobject]@{ # schema: fibreChannelHba
                VMId = $vmId
                ComputerName = $computer
                SanName = "$($hba.SanName)"
            })
        }
    }
    catch { Write-CollectorWarning 'fibreChannelHbas' ('virtual Fibre Channel adapters of VM {0} on {1} not read: {2}' -f $Vm.Name, $Node, $_.Exception.Message) }

    if ((ConvertTo-Text $Vm.ReplicationMode) -and "$($Vm.ReplicationMode)" -ne 'None') {
        Add-Replication $Vm $vmId $computer
    }
}

function Add-VirtualHardDisk([string]$Path, [string]$Node, [string]$VmName) {
    # Get-VHD gives the format and size; a VHD in use on shared storage can only be read from the node using it
    # (Get-VHD documentation), so it is read from the VM's node. SMB paths of a remote node may hit WinRM
    # double-hop [U].
    try {
        $nodeArgs = Get-NodeArgument $Node
        $vhd = Get-VHD -Path $Path @nodeArgs
        if ($null -eq $vhd.VhdFormat -or $null -eq $vhd.Size) { throw 'Get-VHD gave no format or size' }
        $Vhds.Add([pscustomobject]@{ # schema: vhd
            Path = $Path  # the drive's own path, which the advisor joins it to
            VhdFormat = ConvertTo-EnumName $vhd.VhdFormat ('VhdFormat of {0}' -f $Path)
            VhdType = ConvertTo-EnumName $vhd.VhdType ('VhdType of {0}' -f $Path)
            Size = ConvertTo-Integer $vhd.Size
            ParentPath = ConvertTo-Text $vhd.ParentPath
        })
    }
    catch { Write-CollectorWarning 'vhds' ('format and size of {0} (VM {1}) not read: {2}' -f $Path, $VmName, $_.Exception.Message) }
}

function Add-Replication($Vm, [string]$VmId, [string]$Computer) {
    # The simple relationship, and the extended one where it exists (Get-VMReplication -VM
    # -ReplicationRelationshipType, documented syntax). Property names from inventory-formats.md 1.4 [src].
    $relations = @()
    try { $relations = @(Get-VMReplication -VM $Vm) }
    catch { Write-CollectorWarning 'replications' ('Replica settings of VM {0} not read: {1}' -f $Vm.Name, $_.Exception.Message) }
    # Whether the call without -ReplicationRelationshipType also returns the extended one is [U]: ask once.
    if (-not ($relations | Where-Object { "$($_.ReplicationRelationshipType)" -eq 'Extended' })) {
        try { $relations += @(Get-VMReplication -VM $Vm -ReplicationRelationshipType Extended) }
        catch { Write-Verbose ('VM {0} has no extended replication' -f $Vm.Name) }  # an error when there is none [U]
    }
    foreach ($replication in $relations) {
        $Replications.Add([pscustomobject]@{ # schema: replication
            VMId = $VmId
            VMName = ConvertTo-Text $Vm.Name
            ComputerName = $Computer
            ReplicationMode = ConvertTo-EnumName $replication.ReplicationMode ('ReplicationMode of VM {0}' -f $Vm.Name)
            ReplicationRelationshipType = ConvertTo-EnumName $replication.ReplicationRelationshipType ('relationship type of VM {0}' -f $Vm.Name)
            PrimaryServerName = "$($replication.PrimaryServerName)"
            ReplicaServerName = "$($replication.ReplicaServerName)"
            CurrentReplicaServerName = ConvertTo-Text $replication.CurrentReplicaServerName
            ReplicationFrequencySec = ConvertTo-Integer $replication.ReplicationFrequencySec
            VSSSnapshotFrequencyHour = ConvertTo-Integer $replication.VSSSnapshotFrequencyHour
        })
    }
}

function Add-HyperVHost([string]$Node) {
    $nodeArgs = Get-NodeArgument $Node
    try {
        $vmHost = Hyper-V\Get-VMHost @nodeArgs
        $os = $null
        try { $os = Get-CimInstance -ClassName 'Win32_OperatingSystem' @nodeArgs }
        catch { Write-CollectorWarning 'hosts' ('Windows version of {0} not read: {1}' -f $Node, $_.Exception.Message) }
        $Hosts.Add([pscustomobject]@{ # schema: host
            Name = ConvertTo-Text $vmHost.Name
            FullyQualifiedDomainName = ConvertTo-Text $vmHost.FullyQualifiedDomainName  # the host's DNS domain
            OsVersion = $(if ($os) { ConvertTo-Text $os.Version } else { $null })
        })
    }
    catch { Write-CollectorWarning 'hosts' ('Get-VMHost on {0} failed: {1}' -f $Node, $_.Exception.Message) }

    try { $nodeVms = @(Hyper-V\Get-VM @nodeArgs) }
    catch {
        Write-CollectorWarning 'vms' ('Get-VM on {0} failed, so none of its VMs is in the inventory: {1}' -f $Node, $_.Exception.Message)
        return
    }
    $guestNames = Get-GuestNames $Node
    foreach ($vm in $nodeVms) { Add-VirtualMachine $vm $Node $guestNames }
}

# ------------------------------------------------------------------ host or cluster

if ($Cluster -and $HostOnly) { throw '-Cluster and -HostOnly exclude each other' }
# A backup server without Hyper-V (Veeam, DPM) is collected for its backup product only.
# Module-qualified where VMware PowerCLI (often on backup servers) has a cmdlet of the same name: Get-VM,
# Get-VMHost, Get-Cluster.
$hyperV = [bool](Get-Command -Name 'Get-VM' -Module 'Hyper-V' -ErrorAction SilentlyContinue)
if (-not $hyperV -and -not $IncludeBackupProducts) {
    throw 'the Hyper-V module is not on this computer: run the script on a Hyper-V host or cluster node, or with -IncludeBackupProducts on the backup server'
}
$clusterInfo = $null
if ($hyperV -and -not $HostOnly) {
    try { $clusterInfo = FailoverClusters\Get-Cluster }
    catch {
        if ($Cluster) { throw ('-Cluster: this computer is not a node of a failover cluster that can be read: {0}' -f $_.Exception.Message) }
        if (Get-Service -Name 'ClusSvc' -ErrorAction SilentlyContinue) {
            Write-CollectorWarning 'cluster' ('this computer runs the Cluster service but Get-Cluster failed, so only this host is collected: {0}' -f $_.Exception.Message)
        }
    }
}

$nodes = @()
if ($hyperV) { $nodes = @($env:COMPUTERNAME) }
if ($clusterInfo) {
    $clusterName = "$($clusterInfo.Name)"
    $nodes = @()
    foreach ($node in @(Get-ClusterNode -Cluster $clusterName)) {
        $ClusterNodes.Add([pscustomobject]@{ # schema: clusterNode
            Name = "$($node.Name)"
            Cluster = $clusterName
            State = ConvertTo-EnumName $node.State ('State of cluster node {0}' -f $node.Name)
            MajorVersion = ConvertTo-Integer $node.MajorVersion
            MinorVersion = ConvertTo-Integer $node.MinorVersion
            BuildNumber = ConvertTo-Integer $node.BuildNumber
        })
        if ("$($node.State)" -eq 'Up') { $nodes += "$($node.Name)" }
        else { Write-CollectorWarning 'clusterNodes' ('cluster node {0} is {1}; its VMs were not collected' -f $node.Name, $node.State) }
    }
    try {
        foreach ($volume in @(Get-ClusterSharedVolume -Cluster $clusterName)) {
            $infos = [System.Collections.Generic.List[object]]::new()
            foreach ($info in @($volume.SharedVolumeInfo)) {  # SharedVolumeInfo is a list [use]
                if (-not (ConvertTo-Text $info.FriendlyVolumeName)) { continue }  # not mounted: no path
                $infos.Add([pscustomobject]@{ # schema: clusterSharedVolume/SharedVolumeInfo
                    FriendlyVolumeName = "$($info.FriendlyVolumeName)"
                })
            }
            if ($infos.Count -eq 0 -or -not (ConvertTo-Text $volume.OwnerNode.Name)) {
                Write-CollectorWarning 'clusterSharedVolumes' ('{0} has no owner node or no path (offline?); left out' -f $volume.Name)
                continue
            }
            $ClusterVolumes.Add([pscustomobject]@{ # schema: clusterSharedVolume
                Name = "$($volume.Name)"
                OwnerNode = "$($volume.OwnerNode.Name)"
                Cluster = $clusterName
                SharedVolumeInfo = $infos.ToArray()
            })
        }
    }
    catch { Write-CollectorWarning 'clusterSharedVolumes' ('Get-ClusterSharedVolume failed: {0}' -f $_.Exception.Message) }
}

foreach ($node in $nodes) { Add-HyperVHost $node }

# ------------------------------------------------------------------ backup products (optional)

# Veeam JobType names -> the collector's job types [U: BackupSync, SimpleBackupCopy*, EpAgent* are the names
# seen in public scripts; Backup and Replica in Veeam's documentation]. Other job types (tape, file copy,
# SureBackup, VMware) are left out with a warning.
$VeeamJobTypes = @{
    Backup = 'Backup'; Replica = 'Replica'
    BackupSync = 'BackupCopy'; SimpleBackupCopyPolicy = 'BackupCopy'; SimpleBackupCopyWorker = 'BackupCopy'
    EpAgentBackup = 'AgentBackup'; EpAgentPolicy = 'AgentBackup'
}

function Get-VeeamObjects($Job) {
    # What a job includes or excludes (Get-VBRJobObject -Job: its reference page was not checked [U]); Type is
    # Include or Exclude [use], the object's kind comes from Object.Type and its host from Object.Host.Name [U].
    $objects = [System.Collections.Generic.List[object]]::new()
    foreach ($item in @(Get-VBRJobObject -Job $Job)) {
        $kind = "$($item.Object.Type)"
        $type = $null
        if ($kind -match 'cluster') { $type = 'Cluster' }
        elseif ($kind -match 'host|server') { $type = 'Host' }
        elseif ($kind -match 'vm|virtualmachine') { $type = 'VM' }
        if ($null -eq $type) {
            Write-CollectorWarning 'backup' ('object {0} of Veeam job {1} is a {2}, which the advisor does not read' -f $item.Name, $Job.Name, $kind)
            continue
        }
        $objects.Add([pscustomobject]@{ # schema: veeam/jobs/Objects
            Name = "$($item.Name)"
            Type = $type
            Host = ConvertTo-Text $item.Object.Host.Name
            Include = ("$($item.Type)" -ne 'Exclude')
        })
    }
    return , $objects  # the list itself (not its items); the caller takes .ToArray()
}

function Get-VeeamSection {
    # Veeam Backup & Replication 11 and later ship the module Veeam.Backup.PowerShell (older releases a snap-in,
    # not read here). Get-VBRJob returns the undocumented CBackupJob: its members are [U] and may change.
    if (-not (Get-Module -ListAvailable -Name 'Veeam.Backup.PowerShell')) { return $null }
    Import-Module -Name 'Veeam.Backup.PowerShell' -WarningAction SilentlyContinue
    $lastPoint = @{}  # job id -> time of its newest restore point (a run that produced a restore point)
    try {
        foreach ($backupObject in @(Get-VBRBackup)) {
            $newest = @(Get-VBRRestorePoint -Backup $backupObject) | Sort-Object -Property CreationTime -Descending |
                Select-Object -First 1
            if ($newest) { $lastPoint["$($backupObject.JobId)"] = $newest.CreationTime }  # JobId [use]
        }
    }
    catch { Write-CollectorWarning 'backup' ('Veeam restore points not read: {0}' -f $_.Exception.Message) }

    $repositories = [System.Collections.Generic.List[object]]::new()
    foreach ($repository in @(Get-VBRBackupRepository) + @(Get-VBRBackupRepository -ScaleOut)) {
        $type = ConvertTo-EnumName $repository.Type ('Type of Veeam repository {0}' -f $repository.Name)
        if ($null -eq $type) { $type = 'ExtendableRepository' }  # a scale-out repository has no Type [U]
        $repositories.Add([pscustomobject]@{ # schema: veeam/repositories
            Id = "$($repository.Id)"
            Name = "$($repository.Name)"
            Type = $type
            Host = ConvertTo-Text $repository.Host.Name  # [U]
        })
    }

    $jobs = [System.Collections.Generic.List[object]]::new()
    $allJobs = @(Get-VBRJob -WarningAction SilentlyContinue)
    if (Get-Command -Name 'Get-VBRBackupCopyJob' -ErrorAction SilentlyContinue) {
        $allJobs += @(Get-VBRBackupCopyJob -WarningAction SilentlyContinue)  # v12: backup copy jobs moved here
    }
    foreach ($job in $allJobs) {
        $kind = "$($job.JobType)"
        if ("$($job.GetType().Name)" -eq 'VBRBackupCopyJob') { $kind = 'SimpleBackupCopyPolicy' }  # type name [U]
        $jobType = $VeeamJobTypes[$kind]
        if ($null -eq $jobType) {
            Write-CollectorWarning 'backup' ('Veeam job {0} is a {1} job, which the advisor does not read' -f $job.Name, $kind)
            continue
        }
        $target = ConvertTo-Text $job.Info.TargetRepositoryId  # [use]; all zeros means a folder target
        if ($null -eq $target) { $target = ConvertTo-Text $job.Target.Id }  # VBRBackupCopyJob [U]
        if ($target -eq $ZeroGuid) { $target = $null }
        $sources = @($job.LinkedJobIds) + @($job.BackupJob | Where-Object { $_ } | ForEach-Object { $_.Id })  # [U]
        $lastResult = $null
        if ($job.PSObject.Methods['GetLastResult']) { $lastResult = $job.GetLastResult() }  # [use], read-only
        $hours = $null  # daily = 24, monthly = 720; periodic schedules are not read [U: unit of FullPeriod]
        if ($job.ScheduleOptions.OptionsDaily.Enabled) { $hours = 24 }
        elseif ($job.ScheduleOptions.OptionsMonthly.Enabled) { $hours = 720 }
        $jobs.Add([pscustomobject]@{ # schema: veeam/jobs
            Id = "$($job.Id)"
            Name = "$($job.Name)"
            JobType = $jobType
            IsScheduleEnabled = ConvertTo-Boolean $job.IsScheduleEnabled
            ScheduleIntervalHours = $hours
            TargetRepositoryId = $target
            SourceJobIds = [string[]]@($sources | Where-Object { $_ } | ForEach-Object { "$_" })
            ApplicationAware = ConvertTo-Boolean $job.VssOptions.Enabled  # [use]
            LastResult = ConvertTo-Text $lastResult
            LastSuccessfulRunAt = ConvertTo-UtcText $lastPoint["$($job.Id)"]
            Objects = (Get-VeeamObjects $job).ToArray()
        })
    }
    return [pscustomobject]@{ # schema: veeam
        server = $env:COMPUTERNAME
        version = "$((Get-Module -Name 'Veeam.Backup.PowerShell').Version)"
        repositories = $repositories.ToArray()
        jobs = $jobs.ToArray()
    }
}

function Get-WindowsServerBackupSection {
    # Windows Server Backup: one policy per computer (Get-WBPolicy returns $null when none is set, per its
    # documentation). Object property names (VMName, MountPath, Label, TargetPath, LastSuccessfulBackupTime) [use].
    # Get-WBBareMetalRecovery returns a Boolean [doc], and bare metal recovery includes the system state
    # (Add-WBBareMetalRecovery documentation); that Get-WBSystemState returns a Boolean too is [U].
    if (-not (Get-Command -Name 'Get-WBPolicy' -ErrorAction SilentlyContinue)) { return $null }
    $policy = Get-WBPolicy
    if ($null -eq $policy) {
        Write-CollectorWarning 'backup' 'Windows Server Backup is installed but has no scheduled backup policy'
        return $null
    }
    $summary = Get-WBSummary
    $target = @(Get-WBBackupTarget -Policy $policy) | Select-Object -First 1
    $item = [pscustomobject]@{ # schema: wsb
        ComputerName = $env:COMPUTERNAME
        VirtualMachines = [string[]]@(Get-WBVirtualMachine -Policy $policy | ForEach-Object { "$($_.VMName)" })
        Volumes = [string[]]@(Get-WBVolume -Policy $policy | ForEach-Object { "$($_.MountPath)" })
        SystemState = ([bool](Get-WBSystemState -Policy $policy) -or [bool](Get-WBBareMetalRecovery -Policy $policy))
        BareMetalRecovery = [bool](Get-WBBareMetalRecovery -Policy $policy)
        TargetLabel = $(if ($target) { ConvertTo-Text $target.Label } else { $null })
        TargetPath = $(if ($target) { ConvertTo-Text $target.TargetPath } else { $null })
        ScheduleTimes = [string[]]@(Get-WBSchedule -Policy $policy | ForEach-Object { ([datetime]$_).ToString('HH:mm') })
        LastSuccessfulBackupTime = ConvertTo-UtcText $summary.LastSuccessfulBackupTime
    }
    return $item
}

function Get-DpmSection {
    # System Center DPM, run on the DPM server. DPM fills some datasource properties asynchronously: a
    # LatestRecoveryPoint of 0001-01-01 means "not filled yet" and is left out with a warning.
    if (-not (Get-Command -Name 'Get-DPMProtectionGroup' -ErrorAction SilentlyContinue)) { return $null }
    $groups = [System.Collections.Generic.List[object]]::new()
    foreach ($group in @(Get-DPMProtectionGroup -DPMServerName $env:COMPUTERNAME)) {
        $sources = [System.Collections.Generic.List[object]]::new()
        foreach ($source in @(Get-DPMDatasource -ProtectionGroup $group)) {
            $item = [pscustomobject]@{ # schema: dpm/protectionGroups/Datasources
                Computer = "$($source.Computer)"
                Name = "$($source.Name)"
                ObjectType = "$($source.ObjectType)"
                LatestRecoveryPoint = ConvertTo-UtcText $source.LatestRecoveryPoint
            }
            if ($null -eq $item.LatestRecoveryPoint) {
                Write-CollectorWarning 'backup' ('DPM gave no latest recovery point for {0} on {1}' -f $source.Name, $source.Computer)
            }
            $sources.Add($item)
        }
        $groups.Add([pscustomobject]@{ # schema: dpm/protectionGroups
            Name = "$($group.FriendlyName)"  # [use]
            Datasources = $sources.ToArray()
        })
    }
    return [pscustomobject]@{ # schema: dpm
        server = $env:COMPUTERNAME
        version = "$((Get-Module -Name 'DataProtectionManager').Version)"  # [U: module name]
        protectionGroups = $groups.ToArray()
    }
}

$backup = $null
if ($IncludeBackupProducts) {
    $sections = @{}
    $readers = [ordered]@{ veeam = 'Get-VeeamSection'; windowsServerBackup = 'Get-WindowsServerBackupSection'; dpm = 'Get-DpmSection' }
    foreach ($product in $readers.Keys) {
        try { $sections[$product] = & $readers[$product] }
        catch { Write-CollectorWarning 'backup' ('{0} not read: {1}' -f $product, $_.Exception.Message) }
    }
    $wsb = $null  # an array of one (never $(...), which would unroll it to a bare object)
    if ($sections['windowsServerBackup']) { $wsb = [object[]]@($sections['windowsServerBackup']) }
    $backup = [pscustomobject]@{ # schema: backup
        veeam = $sections['veeam']
        windowsServerBackup = $wsb
        dpm = $sections['dpm']
    }
}

# ------------------------------------------------------------------ the document

$document = [pscustomobject]@{ # schema: document
    format = 'hv-advisor-inventory'
    schemaVersion = $SchemaVersion
    collector = [pscustomobject]@{ # schema: collector
        name = 'Collect-HvInventory'
        version = $CollectorVersion
    }
    collectedAt = ConvertTo-UtcText (Get-Date)
    computerName = $env:COMPUTERNAME
    psVersion = "$($PSVersionTable.PSVersion)"
    scope = $(if ($clusterInfo) { 'cluster' } else { 'host' })
    hosts = $Hosts.ToArray()
    clusterNodes = $ClusterNodes.ToArray()
    clusterSharedVolumes = $ClusterVolumes.ToArray()
    vms = $Vms.ToArray()
    hardDiskDrives = $Drives.ToArray()
    vhds = $Vhds.ToArray()
    snapshots = $Snapshots.ToArray()
    replications = $Replications.ToArray()
    integrationServices = $Services.ToArray()
    fibreChannelHbas = $FibreChannel.ToArray()
    backup = $backup
    warnings = $Warnings.ToArray()
}
ConvertTo-Compact $document

# Depth 10: the deepest projection (backup.veeam.jobs[].Objects[]) is 6 levels down; nothing deeper is written,
# because every level is a projection, never a live object.
$json = ConvertTo-Json -InputObject $document -Depth 10
$target = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($OutputPath)
[System.IO.File]::WriteAllText($target, $json, [System.Text.UTF8Encoding]::new($false))
Write-Verbose ('{0} VMs, {1} warnings written to {2}' -f $Vms.Count, $Warnings.Count, $target)
$target
